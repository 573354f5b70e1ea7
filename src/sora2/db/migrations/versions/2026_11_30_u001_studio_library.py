"""the studio library: favourites, variation batches, collections, presets, share links

Revision ID: u001
Revises: p001
Create Date: 2026-11-30 12:00:00
"""
from alembic import op
import sqlalchemy as sa
import sora2.db.base


revision = 'u001'
down_revision = 'p001'
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [sa.Column('created_at', sora2.db.base.UTCDateTime(), nullable=False),
            sa.Column('updated_at', sora2.db.base.UTCDateTime(), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('favourite', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('batch_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_videos_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_videos_user_favourite', ['user_id', 'favourite'], unique=False)

    op.create_table(
        'collections',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_collections_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_collections')),
        sa.UniqueConstraint('user_id', 'name', name='uq_collections_user_name'),
    )
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collections_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collections_created_at'), ['created_at'], unique=False)

    op.create_table(
        'collection_videos',
        sa.Column('collection_id', sa.String(length=36), nullable=False),
        sa.Column('video_id', sa.String(length=36), nullable=False),
        sa.Column('added_at', sora2.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['collection_id'], ['collections.id'],
                                name=op.f('fk_collection_videos_collection_id_collections'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_collection_videos_video_id_videos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('collection_id', 'video_id', name=op.f('pk_collection_videos')),
    )
    with op.batch_alter_table('collection_videos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_videos_video_id'), ['video_id'], unique=False)

    op.create_table(
        'presets',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.Column('prompt_prefix', sa.Text(), nullable=True),
        sa.Column('prompt_suffix', sa.Text(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_presets_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_presets')),
    )
    with op.batch_alter_table('presets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presets_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_presets_shared'), ['shared'], unique=False)
        batch_op.create_index(batch_op.f('ix_presets_created_at'), ['created_at'], unique=False)

    op.create_table(
        'share_links',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('video_id', sa.String(length=36), nullable=True),
        sa.Column('collection_id', sa.String(length=36), nullable=True),
        sa.Column('title', sa.String(length=120), nullable=True),
        sa.Column('show_prompt', sa.Boolean(), nullable=False),
        sa.Column('expires_at', sora2.db.base.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', sora2.db.base.UTCDateTime(), nullable=True),
        sa.Column('view_count', sa.Integer(), nullable=False),
        sa.Column('last_viewed_at', sora2.db.base.UTCDateTime(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_share_links_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_share_links_video_id_videos'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['collection_id'], ['collections.id'],
                                name=op.f('fk_share_links_collection_id_collections'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_share_links')),
        sa.UniqueConstraint('token', name=op.f('uq_share_links_token')),
    )
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        for column in ('user_id', 'video_id', 'collection_id', 'created_at'):
            batch_op.create_index(batch_op.f(f'ix_share_links_{column}'), [column], unique=False)


def downgrade() -> None:
    op.drop_table('share_links')
    op.drop_table('presets')
    op.drop_table('collection_videos')
    op.drop_table('collections')
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_index('ix_videos_user_favourite')
        batch_op.drop_index(batch_op.f('ix_videos_batch_id'))
        batch_op.drop_column('batch_id')
        batch_op.drop_column('favourite')
