"""Sessions, échecs de connexion, comptes désactivés, jetons qui expirent

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 14:45:08.242665
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('echecs_de_connexion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cle', sa.String(length=200), nullable=False),
    sa.Column('le', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('echecs_de_connexion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_echecs_de_connexion_cle'), ['cle'], unique=False)
        batch_op.create_index(batch_op.f('ix_echecs_de_connexion_le'), ['le'], unique=False)

    op.create_table('sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=False),
    sa.Column('creee_le', sa.DateTime(), nullable=False),
    sa.Column('vue_le', sa.DateTime(), nullable=False),
    sa.Column('terminee_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['compte_id'], ['comptes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessions_compte_id'), ['compte_id'], unique=False)

    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actif', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('jetons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cree_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('expire_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoque_le', sa.DateTime(), nullable=True))
    # the tokens made before expiry existed: they now last the default 90 days from here
    quand = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    jetons = sa.table('jetons', sa.column('cree_le', sa.DateTime()), sa.column('expire_le', sa.DateTime()))
    op.execute(jetons.update().values(cree_le=quand, expire_le=quand + dt.timedelta(days=90)))
    with op.batch_alter_table('jetons', schema=None) as batch_op:
        batch_op.alter_column('expire_le', existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('jetons', schema=None) as batch_op:
        batch_op.drop_column('revoque_le')
        batch_op.drop_column('expire_le')
        batch_op.drop_column('cree_le')

    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.drop_column('actif')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessions_compte_id'))

    op.drop_table('sessions')
    with op.batch_alter_table('echecs_de_connexion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_echecs_de_connexion_le'))
        batch_op.drop_index(batch_op.f('ix_echecs_de_connexion_cle'))

    op.drop_table('echecs_de_connexion')
