"""sign-in sessions end when a password changes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 23:00:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sessions_valid_after', sora2.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('kept_session', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('kept_session')
        batch_op.drop_column('sessions_valid_after')
