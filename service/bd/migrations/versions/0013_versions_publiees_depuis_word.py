"""versions publiées depuis Word

The versions of gabarits an administrator publishes from a Word file (/admin/gabarits,
``publier --depuis``): one row a version, never changed afterwards, with the sha256 of its two
files written under the instance (service/catalogue/publications.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:01:31
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gabarit_id', sa.String(length=48), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('sha256_gabarit', sa.String(length=64), nullable=False),
        sa.Column('sha256_formulaire', sa.String(length=64), nullable=False),
        sa.Column('auteur', sa.String(length=200), nullable=False),
        sa.Column('cree_le', sa.DateTime(), nullable=False),
        sa.Column('resume', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('gabarit_id', 'version'),
    )


def downgrade() -> None:
    op.drop_table('publications')
