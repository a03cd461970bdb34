"""Adresse électronique des comptes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:02:21.438774
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('courriel', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('comptes', schema=None) as batch_op:
        batch_op.drop_column('courriel')
