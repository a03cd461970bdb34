"""paramètres de l’établissement en versions

The institution's settings changed from the web (/admin/etablissement): one row a version,
never changed afterwards (service/personnes/reglages.py). Empty: the YAML file is version 1.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reglages_etablissement',
        sa.Column('numero', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('parametres', sa.Text(), nullable=False),
        sa.Column('logo', sa.LargeBinary(), nullable=False),
        sa.Column('logo_sha256', sa.String(length=64), nullable=False),
        sa.Column('auteur', sa.String(length=200), nullable=False),
        sa.Column('cree_le', sa.DateTime(), nullable=False),
        sa.Column('resume', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('numero'),
    )


def downgrade() -> None:
    op.drop_table('reglages_etablissement')
