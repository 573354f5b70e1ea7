"""providers configured at runtime (encrypted keys), platform settings, the model a request named

Revision ID: p001
Revises: 0006
Create Date: 2026-11-30 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = 'p001'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_model', sa.String(length=128), nullable=True))
    op.create_table(
        'provider_configs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('base_url', sa.String(length=512), nullable=True),
        sa.Column('api_key_encrypted', sa.Text(), nullable=True),
        sa.Column('key_hint', sa.String(length=16), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_configs')),
    )
    with op.batch_alter_table('provider_configs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_configs_created_at'), ['created_at'], unique=False)
    op.create_table(
        'app_settings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('updated_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_app_settings')),
    )


def downgrade() -> None:
    op.drop_table('app_settings')
    with op.batch_alter_table('provider_configs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_configs_created_at'))
    op.drop_table('provider_configs')
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('requested_model')
