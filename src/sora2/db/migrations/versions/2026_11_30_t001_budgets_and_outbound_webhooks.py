"""budgets (per user and instance, 80 % notices) and outbound webhooks (endpoints, outbox, deliveries, log)

Revision ID: t001
Revises: u001
Create Date: 2026-11-30 13:13:06.659863
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = 't001'
down_revision = 'u001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbound_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('video_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_events')),
    sa.UniqueConstraint('video_id', 'type', name='uq_outbound_events_video_type')
    )
    with op.batch_alter_table('outbound_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_events_user_id'), ['user_id'], unique=False)

    op.create_table('budget_notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('window_start', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('used', sa.Float(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('dismissed_at', sora2.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_budget_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_notices')),
    sa.UniqueConstraint('user_id', 'window_start', name='uq_budget_notices_user_window')
    )
    with op.batch_alter_table('budget_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_notices_created_at'), ['created_at'], unique=False)

    op.create_table('budgets',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=True),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('anchor_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('last_reserved_at', sora2.db.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_budgets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets'))
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_budgets_user_id'), ['user_id'], unique=False)

    op.create_table('outbound_endpoints',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('instance_wide', sa.Boolean(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=80), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbound_endpoints_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_endpoints'))
    )
    with op.batch_alter_table('outbound_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_endpoints_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_endpoints_user_id'), ['user_id'], unique=False)

    op.create_table('outbound_deliveries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('endpoint_id', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sora2.db.base.UTCDateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=128), nullable=True),
    sa.Column('lease_until', sora2.db.base.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', sora2.db.base.UTCDateTime(), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('resend', sa.Boolean(), nullable=False),
    sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['outbound_endpoints.id'], name=op.f('fk_outbound_deliveries_endpoint_id_outbound_endpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['outbound_events.id'], name=op.f('fk_outbound_deliveries_event_id_outbound_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_deliveries')),
    sa.UniqueConstraint('event_id', 'endpoint_id', name='uq_outbound_deliveries_event_endpoint')
    )
    with op.batch_alter_table('outbound_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_deliveries_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_deliveries_endpoint_id'), ['endpoint_id'], unique=False)

    op.create_table('outbound_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.String(length=40), nullable=False),
    sa.Column('attempted_at', sora2.db.base.UTCDateTime(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['outbound_deliveries.id'], name=op.f('fk_outbound_attempts_delivery_id_outbound_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_attempts'))
    )
    with op.batch_alter_table('outbound_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_attempts_delivery_id'), ['delivery_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbound_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_attempts_delivery_id'))

    op.drop_table('outbound_attempts')
    with op.batch_alter_table('outbound_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_deliveries_endpoint_id'))
        batch_op.drop_index('ix_outbound_deliveries_due')

    op.drop_table('outbound_deliveries')
    with op.batch_alter_table('outbound_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_endpoints_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_endpoints_created_at'))

    op.drop_table('outbound_endpoints')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_user_id'))
        batch_op.drop_index(batch_op.f('ix_budgets_created_at'))

    op.drop_table('budgets')
    with op.batch_alter_table('budget_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_notices_created_at'))

    op.drop_table('budget_notices')
    with op.batch_alter_table('outbound_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_events_created_at'))

    op.drop_table('outbound_events')
