"""archive des documents rendus

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:03:58.002813
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('archives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.String(length=20), nullable=False),
    sa.Column('cle', sa.String(length=80), nullable=False),
    sa.Column('gabarit_id', sa.String(length=80), nullable=False),
    sa.Column('titre', sa.String(length=300), nullable=False),
    sa.Column('stagiaire', sa.String(length=200), nullable=False),
    sa.Column('stagiaire_cle', sa.String(length=200), nullable=False),
    sa.Column('tuteur', sa.String(length=200), nullable=False),
    sa.Column('annee', sa.String(length=9), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('lecteurs', sa.String(length=400), nullable=False),
    sa.Column('cree_le', sa.String(length=32), nullable=False),
    sa.Column('modifie_le', sa.String(length=32), nullable=False),
    sa.Column('conserver_jusqu_au', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cle'),
    sa.UniqueConstraint('numero')
    )
    with op.batch_alter_table('archives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archives_annee'), ['annee'], unique=False)
        batch_op.create_index(batch_op.f('ix_archives_conserver_jusqu_au'), ['conserver_jusqu_au'],
                              unique=False)
        batch_op.create_index('ix_archives_filtres', ['statut', 'annee', 'gabarit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archives_gabarit_id'), ['gabarit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archives_modifie_le'), ['modifie_le'], unique=False)
        batch_op.create_index(batch_op.f('ix_archives_stagiaire_cle'), ['stagiaire_cle'], unique=False)
        batch_op.create_index(batch_op.f('ix_archives_statut'), ['statut'], unique=False)

    op.create_table('archives_supprimees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.String(length=20), nullable=False),
    sa.Column('gabarit_id', sa.String(length=80), nullable=False),
    sa.Column('cree_le', sa.String(length=32), nullable=False),
    sa.Column('supprime_le', sa.String(length=32), nullable=False),
    sa.Column('motif', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('archives_mots',
    sa.Column('mot', sa.String(length=60), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['archive_id'], ['archives.id'], ),
    sa.PrimaryKeyConstraint('mot', 'archive_id')
    )
    with op.batch_alter_table('archives_mots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archives_mots_archive_id'), ['archive_id'], unique=False)

    op.create_table('archives_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('nom_fichier', sa.String(length=255), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('gabarit_version', sa.Integer(), nullable=True),
    sa.Column('ancienne_version', sa.Boolean(), nullable=False),
    sa.Column('reconnu_par', sa.String(length=20), nullable=False),
    sa.Column('valeurs_lues', sa.Text(), nullable=False),
    sa.Column('valeurs', sa.Text(), nullable=False),
    sa.Column('corrige', sa.Boolean(), nullable=False),
    sa.Column('signe', sa.Boolean(), nullable=False),
    sa.Column('depose_le', sa.String(length=32), nullable=False),
    sa.Column('depose_par', sa.String(length=120), nullable=False),
    sa.Column('archive_le', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['archive_id'], ['archives.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('docx_sha256')
    )
    with op.batch_alter_table('archives_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archives_versions_archive_id'), ['archive_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('archives_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archives_versions_archive_id'))

    op.drop_table('archives_versions')
    with op.batch_alter_table('archives_mots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archives_mots_archive_id'))

    op.drop_table('archives_mots')
    op.drop_table('archives_supprimees')
    with op.batch_alter_table('archives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archives_statut'))
        batch_op.drop_index(batch_op.f('ix_archives_stagiaire_cle'))
        batch_op.drop_index(batch_op.f('ix_archives_modifie_le'))
        batch_op.drop_index(batch_op.f('ix_archives_gabarit_id'))
        batch_op.drop_index('ix_archives_filtres')
        batch_op.drop_index(batch_op.f('ix_archives_conserver_jusqu_au'))
        batch_op.drop_index(batch_op.f('ix_archives_annee'))

    op.drop_table('archives')
