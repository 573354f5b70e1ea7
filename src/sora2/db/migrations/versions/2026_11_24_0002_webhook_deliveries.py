"""webhook deliveries (deduplication) and the videos-by-provider-job index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:30:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'webhook_deliveries',
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('idempotency_key', sa.String(length=255), nullable=False),
        sa.Column('received_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('provider', 'idempotency_key', name=op.f('pk_webhook_deliveries')),
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_received_at'), ['received_at'], unique=False)
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.create_index('ix_videos_provider_job', ['provider', 'provider_video_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_index('ix_videos_provider_job')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_received_at'))
    op.drop_table('webhook_deliveries')
