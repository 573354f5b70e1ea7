"""paid jobs: provider ids of any length, one row per provider job, cancel/retry columns, provider-side tombstones

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:00:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.alter_column('provider_video_id', existing_type=sa.String(length=255), type_=sa.Text(),
                              existing_nullable=True)
        batch_op.alter_column('extend_of_provider_id', existing_type=sa.String(length=255), type_=sa.Text(),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('retry_of', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('create_sent_at', sora2.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sora2.db.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_videos_retry_of_videos'), 'videos', ['retry_of'], ['id'],
                                    ondelete='SET NULL')
        batch_op.drop_index('ix_videos_provider_job')
        batch_op.create_index('ix_videos_provider_job', ['provider', 'provider_video_id'], unique=True)
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.alter_column('idempotency_key', existing_type=sa.String(length=255), type_=sa.Text(),
                              existing_nullable=False)
    op.create_table(
        'provider_cleanups',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('video_id', sa.String(length=36), nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('job_id', sa.Text(), nullable=True),
        sa.Column('request', sa.JSON(), nullable=True),
        sa.Column('sent_at', sora2.db.base.UTCDateTime(), nullable=True),
        sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.Column('next_check_at', sora2.db.base.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('lease_owner', sa.String(length=128), nullable=True),
        sa.Column('lease_until', sora2.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_cleanups')),
    )
    with op.batch_alter_table('provider_cleanups', schema=None) as batch_op:
        batch_op.create_index('ix_provider_cleanups_due', ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_cleanups_video_id'), ['video_id'], unique=False)


def downgrade() -> None:
    op.drop_table('provider_cleanups')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.alter_column('idempotency_key', existing_type=sa.Text(), type_=sa.String(length=255),
                              existing_nullable=False)
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_index('ix_videos_provider_job')
        batch_op.create_index('ix_videos_provider_job', ['provider', 'provider_video_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_videos_retry_of_videos'), type_='foreignkey')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('create_sent_at')
        batch_op.drop_column('retry_of')
        batch_op.alter_column('extend_of_provider_id', existing_type=sa.Text(), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.alter_column('provider_video_id', existing_type=sa.Text(), type_=sa.String(length=255),
                              existing_nullable=True)
