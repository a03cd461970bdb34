"""Schéma initial : comptes, jetons, journal, stagiaires

Revision ID: 0001
Revises: -
Create Date: 2026-11-23 08:59:40.995393

The tables as ``Base.metadata.create_all`` made them before migrations. A database
older still, with some of them only, gets the missing ones; the others are kept.
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def _creer(nom: str, *elements) -> None:
    if not sa.inspect(op.get_bind()).has_table(nom):
        op.create_table(nom, *elements)


def upgrade() -> None:
    _creer('comptes',
           sa.Column('id', sa.Integer(), nullable=False),
           sa.Column('identifiant', sa.String(length=120), nullable=False),
           sa.Column('nom', sa.String(length=200), nullable=False),
           sa.Column('role', sa.String(length=20), nullable=False),
           sa.Column('empreinte', sa.String(length=300), nullable=False),
           sa.PrimaryKeyConstraint('id'),
           sa.UniqueConstraint('identifiant'))
    _creer('jetons',
           sa.Column('id', sa.Integer(), nullable=False),
           sa.Column('compte_id', sa.Integer(), nullable=False),
           sa.Column('empreinte', sa.String(length=64), nullable=False),
           sa.PrimaryKeyConstraint('id'),
           sa.UniqueConstraint('empreinte'))
    _creer('journal',
           sa.Column('id', sa.Integer(), nullable=False),
           sa.Column('quand', sa.String(length=40), nullable=False),
           sa.Column('qui', sa.String(length=120), nullable=False),
           sa.Column('quoi', sa.String(length=40), nullable=False),
           sa.Column('document', sa.String(length=120), nullable=False),
           sa.Column('detail', sa.String(length=500), nullable=False),
           sa.Column('precedent', sa.String(length=64), nullable=False),
           sa.Column('empreinte', sa.String(length=64), nullable=False),
           sa.PrimaryKeyConstraint('id'))
    _creer('stagiaires',
           sa.Column('id', sa.Integer(), nullable=False),
           sa.Column('nom', sa.String(length=80), nullable=False),
           sa.Column('prenom', sa.String(length=80), nullable=False),
           sa.Column('parcours', sa.String(length=300), nullable=False),
           sa.Column('lieu', sa.String(length=300), nullable=False),
           sa.Column('periode_debut', sa.String(length=10), nullable=False),
           sa.Column('periode_fin', sa.String(length=10), nullable=False),
           sa.Column('compte_stagiaire', sa.String(length=120), nullable=False),
           sa.Column('tuteur_terrain', sa.String(length=120), nullable=False),
           sa.Column('tuteur_inspe', sa.String(length=120), nullable=False),
           sa.PrimaryKeyConstraint('id'))


def downgrade() -> None:
    op.drop_table('stagiaires')
    op.drop_table('journal')
    op.drop_table('jetons')
    op.drop_table('comptes')
