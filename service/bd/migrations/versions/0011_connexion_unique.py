"""connexion unique (OpenID Connect): the account at the identity provider, sessions opened there

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:25:15
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_sujet', sa.String(length=400), nullable=True))
        batch_op.create_unique_constraint('uq_comptes_sso_sujet', ['sso_sujet'])

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('sso')

    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.drop_constraint('uq_comptes_sso_sujet', type_='unique')
        batch_op.drop_column('sso_sujet')
