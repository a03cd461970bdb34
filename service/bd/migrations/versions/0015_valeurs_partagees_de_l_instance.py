"""valeurs partagées de l'instance

What every node and worker of one instance shares, one row each, made once and never changed
(service/bd/instance.py): the web's secret key, the seal's key and certificate. An existing
instance's files (INSPE_DONNEES/cle_secrete, INSPE_DONNEES/sceau/) are imported at its first start.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 22:51:56
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'instance',
        sa.Column('cle', sa.String(length=64), nullable=False),
        sa.Column('valeur', sa.Text(), nullable=False),
        sa.Column('cree_le', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('cle'),
    )


def downgrade() -> None:
    op.drop_table('instance')
