"""verrous des paquets des lots

Which worker makes which packet of a lot (service/lots/verrous.py): in the database every
machine shares, so that workers on several machines need no shared disk. Taken by one
statement (an insert, or an update of a lock left untouched too long).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:53:05
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'verrous_de_paquets',
        sa.Column('lot', sa.String(length=40), nullable=False),
        sa.Column('debut', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('proprietaire', sa.String(length=200), nullable=False),
        sa.Column('touche_le', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('lot', 'debut'),
    )


def downgrade() -> None:
    op.drop_table('verrous_de_paquets')
