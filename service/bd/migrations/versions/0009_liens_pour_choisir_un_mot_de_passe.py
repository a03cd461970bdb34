"""liens pour choisir un mot de passe

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:30:59.894987
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('liens_mot_de_passe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('expire_le', sa.DateTime(), nullable=False),
    sa.Column('utilise_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['compte_id'], ['comptes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('empreinte')
    )
    with op.batch_alter_table('liens_mot_de_passe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liens_mot_de_passe_compte_id'), ['compte_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('liens_mot_de_passe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liens_mot_de_passe_compte_id'))

    op.drop_table('liens_mot_de_passe')
