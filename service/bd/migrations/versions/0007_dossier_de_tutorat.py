"""Le dossier de tutorat

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:40:45.345062

One row per stagiaire × année universitaire × expected document, with its state
(service/dossier/), and the day each person was last sent the grouped reminder.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stagiaire_id', sa.Integer(), nullable=False),
        sa.Column('annee', sa.String(length=9), nullable=False),
        sa.Column('gabarit_id', sa.String(length=80), nullable=False),
        sa.Column('etat', sa.String(length=12), nullable=False),
        sa.Column('echeance', sa.String(length=10), nullable=False),
        sa.Column('numero', sa.String(length=40), nullable=True),
        sa.Column('archive_numero', sa.String(length=20), nullable=True),
        sa.Column('gabarit_version', sa.Integer(), nullable=True),
        sa.Column('signes', sa.String(length=400), nullable=False),
        sa.Column('motif', sa.Text(), nullable=False),
        sa.Column('auteur', sa.Integer(), nullable=True),
        sa.Column('modifie_le', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stagiaire_id', 'annee', 'gabarit_id'))
    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_campagne', ['annee', 'gabarit_id', 'etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_archive_numero'),
                              ['archive_numero'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_numero'), ['numero'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_stagiaire_id'), ['stagiaire_id'],
                              unique=False)
    op.create_table(
        'dossier_relances',
        sa.Column('identifiant', sa.String(length=120), nullable=False),
        sa.Column('jour', sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint('identifiant'))


def downgrade() -> None:
    op.drop_table('dossier_relances')
    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_documents_stagiaire_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_documents_numero'))
        batch_op.drop_index(batch_op.f('ix_dossier_documents_archive_numero'))
        batch_op.drop_index('ix_dossier_campagne')
    op.drop_table('dossier_documents')
