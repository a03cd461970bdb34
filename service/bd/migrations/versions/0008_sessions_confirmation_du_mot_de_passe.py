"""sessions : confirmation du mot de passe

When a session's owner last typed the password again (the administration pages need a
sign-in of less than 15 minutes); empty until then, the sign-in time counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:30:55.355111
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmee_le', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('confirmee_le')
