"""Les comptes de chaque poste et le parcours dans la liste des stagiaires

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 15:22:33.550743

The roster gains the accounts of the IEN / IA-IPR, the chef d'établissement and the
responsable de parcours (empty for the rows already imported). The trio's three columns keep
their names and values; ``parcours`` keeps its column: a value imported before the list of
parcours stays as it was typed (shown as is) until the next import gives an id.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stagiaires', schema=None) as batch_op:
        for colonne in ('inspecteur', 'chef_etablissement', 'responsable_parcours'):
            batch_op.add_column(sa.Column(colonne, sa.String(length=120), server_default='',
                                          nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('stagiaires', schema=None) as batch_op:
        batch_op.drop_column('responsable_parcours')
        batch_op.drop_column('chef_etablissement')
        batch_op.drop_column('inspecteur')
