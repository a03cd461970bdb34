"""Les dépôts revenus tels qu'ils ont été pré-remplis

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:59:54.602623

A version of an archive record says whether it is a pre-filled .docx sent back with no value
changed (« inchangé »: not counted as received). The versions already deposited were not
checked: they stay as they were, not « inchangé ».
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('archives_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inchange', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('archives_versions', schema=None) as batch_op:
        batch_op.drop_column('inchange')
