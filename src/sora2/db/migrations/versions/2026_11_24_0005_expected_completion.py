"""when a running job is expected to finish (for progress shown between provider readings)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:30:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_at', sora2.db.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('expected_at')
