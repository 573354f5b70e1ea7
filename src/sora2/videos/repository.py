"""All SQL about videos, for the API and for the tracker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Float, Row, and_, case, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from sora2.models import CollectionVideo, Video
from sora2.providers.registry import EMULATOR_ID
from sora2.videos.listing import ListQuery
from sora2.models.video import (
    ACTIVE_STATUSES, COMPLETED, DL_PENDING, QUEUED, SUBMIT_CONFIRMING, SUBMIT_PENDING, SUBMIT_SUBMITTED,
    SUBMIT_SUBMITTING, SUBMIT_UNCONFIRMED,
)


# What a client sees of a video (see videos.schemas.video_out); tracker bookkeeping stays out of reads.
PUBLIC_COLUMNS = tuple(Video.__table__.c[name] for name in (
    "id", "user_id", "provider", "provider_video_id", "prompt", "model", "size", "seconds", "status", "progress",
    "created_at", "completed_at", "file_name", "thumbnail_name", "spritesheet_name", "error_message",
    "has_input_reference", "has_audio", "reference_images", "remix_of", "continued_from", "cost", "actual_cost",
    "download_state", "download_error", "expires_at", "sprite", "expected_at", "retry_of", "cancelled_at",
    "submit_state", "requested_model", "provider_metadata", "favourite", "batch_id"))

# What a media request is authorised and served from (see videos.media_access).
MEDIA_COLUMNS = tuple(Video.__table__.c[name] for name in (
    "id", "user_id", "status", "file_name", "thumbnail_name", "spritesheet_name", "reference_images"))

# What counts as charged, in SQL: the same rule as videos.money.charged_amount (tests hold them together).
CHARGED = case(
    (Video.provider == EMULATOR_ID, 0.0), (Video.provider_video_id.is_(None), 0.0),
    (Video.actual_cost.is_not(None), Video.actual_cost), (Video.status == COMPLETED, Video.cost), else_=0.0)
ORDERS = {
    "newest": (Video.created_at.desc(), Video.id.desc()),
    "oldest": (Video.created_at.asc(), Video.id.asc()),
    "duration": (cast(Video.seconds, Float).desc(), Video.created_at.desc(), Video.id.desc()),
    "cost": (func.coalesce(Video.actual_cost, Video.cost).desc(), Video.created_at.desc(), Video.id.desc()),
}


def _lease_free(now: datetime, owner: str):  # noqa: ANN202
    """Nobody holds the row, a lease ran out, or it is ours (an instance reclaims its own after a restart)."""
    return or_(Video.lease_until.is_(None), Video.lease_until < now, Video.lease_owner == owner)


def _lease_lapsed(now: datetime):  # noqa: ANN202
    """Nobody holds the row or its holder stopped renewing the lease (it died): never our own live lease, since a
    create of ours may be in flight under it."""
    return or_(Video.lease_until.is_(None), Video.lease_until < now)


async def media_columns(connection: AsyncConnection, video_id: str) -> Row | None:
    """The few columns of MEDIA_COLUMNS, on a bare pooled connection: no session, no ORM object."""
    return (await connection.execute(select(*MEDIA_COLUMNS).where(Video.id == video_id))).first()


class VideoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_once(self, video: Video) -> Video:
        """Insert; when a concurrent request already stored the same (user, Idempotency-Key), return that row."""
        try:
            async with self.session.begin_nested():  # a savepoint: a conflict must not doom the transaction
                self.session.add(video)
                await self.session.flush()
            return video
        except IntegrityError:
            if video.idempotency_key is None:
                raise
            existing = await self.by_idempotency_key(video.user_id, video.idempotency_key)
            if existing is None:
                raise
            return existing

    async def get(self, video_id: str) -> Video | None:
        return await self.session.get(Video, video_id)

    async def delete(self, video: Video) -> None:
        await self.session.delete(video)
        await self.session.flush()

    async def by_provider_job(self, provider: str, job_id: str) -> Video | None:
        result = await self.session.execute(
            select(Video).where(Video.provider == provider, Video.provider_video_id == job_id).limit(1))
        return result.scalar_one_or_none()

    async def by_provider_job_suffix(self, suffix: str) -> Video | None:
        """A job whose provider id ends with `suffix` (fal's webhooks name the request id alone)."""
        result = await self.session.execute(
            select(Video).where(Video.provider_video_id.endswith(suffix, autoescape=True)).limit(1))
        return result.scalar_one_or_none()

    async def by_idempotency_key(self, user_id: str, key: str) -> Video | None:
        result = await self.session.execute(
            select(Video).where(Video.user_id == user_id, Video.idempotency_key == key))
        return result.scalar_one_or_none()

    @staticmethod
    def _filtered(user_id: str, query: ListQuery):  # noqa: ANN205
        conditions = [Video.user_id == user_id]
        if query.status:
            conditions.append(Video.status == query.status)
        if query.model:
            conditions.append(Video.model == query.model)
        if query.q:
            escaped = query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(Video.prompt.ilike(f"%{escaped}%", escape="\\"))
        if query.favourite is not None:
            conditions.append(Video.favourite.is_(query.favourite))
        if query.batch_id:
            conditions.append(Video.batch_id == query.batch_id)
        if query.id_prefix:  # checked to hold no LIKE wildcards except '_', which is escaped
            conditions.append(Video.id.like(query.id_prefix.replace("_", "\\_") + "%", escape="\\"))
        if query.collection_id:
            members = select(CollectionVideo.video_id).where(CollectionVideo.collection_id == query.collection_id)
            conditions.append(Video.id.in_(members))
        if query.created_from:
            conditions.append(Video.created_at >= query.created_from)
        if query.created_to:
            conditions.append(Video.created_at < query.created_to)
        return and_(*conditions)

    async def list_for_user(self, user_id: str, query: ListQuery) -> tuple[Sequence[Row], int]:
        """A page of plain rows (public columns only, no ORM bookkeeping) and the total matching.

        The total rides along as an uncorrelated scalar subquery: one round trip, evaluated once by the database
        (a window count would instead make it materialise every matching row).
        """
        where = self._filtered(user_id, query)
        total = select(func.count()).select_from(Video).where(where).scalar_subquery().label("total_rows")
        stmt = (select(*PUBLIC_COLUMNS, total).where(where)
                .order_by(*ORDERS[query.sort]).limit(query.limit).offset(query.offset))
        rows = (await self.session.execute(stmt)).all()
        if rows:
            return rows, rows[0].total_rows
        count = (await self.session.execute(select(func.count()).select_from(Video).where(where))).scalar_one()
        return rows, count

    async def unconfirmed(self, limit: int) -> Sequence[Row]:
        """Videos whose create no provider confirmed (they may have been charged), every user's, newest first."""
        stmt = (select(*PUBLIC_COLUMNS).where(Video.submit_state == SUBMIT_UNCONFIRMED)
                .order_by(Video.created_at.desc()).limit(limit))
        return (await self.session.execute(stmt)).all()

    async def owned(self, user_id: str, video_ids: Sequence[str]) -> list[Video]:
        """The caller's videos among `video_ids` (others' and unknown ids are simply absent)."""
        if not video_ids:
            return []
        stmt = select(Video).where(Video.user_id == user_id, Video.id.in_(list(video_ids)))
        return list((await self.session.execute(stmt)).scalars().all())

    async def children(self, video_id: str) -> Sequence[Video]:
        stmt = (select(Video).where(or_(Video.remix_of == video_id, Video.continued_from == video_id))
                .order_by(Video.created_at))
        return (await self.session.execute(stmt)).scalars().all()

    async def cost_totals(self, user_id: str | None) -> dict[str, float | int]:
        """Estimates and charges summed with the one charging rule; `completed` counts finished videos."""
        stmt = select(func.coalesce(func.sum(Video.cost), 0.0), func.coalesce(func.sum(CHARGED), 0.0),
                      func.count(), func.count().filter(Video.status == COMPLETED),
                      func.count().filter(Video.provider == EMULATOR_ID))
        if user_id is not None:
            stmt = stmt.where(Video.user_id == user_id)
        estimated, charged, videos, completed, simulated = (await self.session.execute(stmt)).one()
        return {"estimated": round(float(estimated), 2), "charged": round(float(charged), 2), "videos": int(videos),
                "completed": int(completed), "simulated": int(simulated)}

    # --- tracker queries -------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[Video]:
        """Lease up to `limit` due jobs and return their rows as leased, so a poll needs no second read before it
        calls the provider: submitted ones to poll (or to cancel), completed ones to download, creates whose
        outcome is unknown to reconcile, and creates whose instance stopped renewing the lease mid-call."""
        scheduled = and_(Video.next_check_at.is_not(None), Video.next_check_at <= now, _lease_free(now, owner), or_(
            and_(Video.status.in_(ACTIVE_STATUSES), Video.submit_state.in_((SUBMIT_SUBMITTED, SUBMIT_CONFIRMING))),
            and_(Video.status == COMPLETED, Video.download_state == DL_PENDING),
        ))
        orphaned = and_(Video.submit_state == SUBMIT_SUBMITTING, Video.status.in_(ACTIVE_STATUSES),
                        _lease_lapsed(now))
        due = or_(scheduled, orphaned)
        ids = (await self.session.execute(
            select(Video.id).where(due).order_by(Video.next_check_at).limit(limit))).scalars().all()
        if not await self._take_leases(list(ids), now, owner, lease_until):
            return []
        rows = await self.session.execute(select(Video).where(Video.id.in_(ids), Video.lease_owner == owner))
        return list(rows.scalars().all())

    async def update_leased(self, video_id: str, owner: str, values: dict) -> bool:
        """Write a running job's columns in one statement; False when the row is gone, no longer ours, or was
        cancelled meanwhile (a cancel must never be undone by a poll that started before it)."""
        stmt = (update(Video).where(Video.id == video_id, Video.lease_owner == owner, Video.cancelled_at.is_(None))
                .values(**values).execution_options(synchronize_session=False))
        return (await self.session.execute(stmt)).rowcount == 1

    async def release_lease(self, video_id: str, owner: str, due_at: datetime | None) -> None:
        await self.session.execute(update(Video).where(Video.id == video_id, Video.lease_owner == owner)
                                   .values(lease_owner=None, lease_until=None, next_check_at=due_at)
                                   .execution_options(synchronize_session=False))

    async def renew_leases(self, owner: str, ids: Sequence[str], lease_until: datetime) -> int:
        """Keep the rows this instance is working on leased (and out of the due set) a while longer."""
        stmt = (update(Video).where(Video.lease_owner == owner, Video.id.in_(list(ids)))
                .values(lease_until=lease_until, next_check_at=lease_until)
                .execution_options(synchronize_session=False))
        return (await self.session.execute(stmt)).rowcount or 0

    async def holder_of(self, provider: str, job_id: str) -> str | None:
        """The video that holds this provider job, if any."""
        stmt = select(Video.id).where(Video.provider == provider, Video.provider_video_id == job_id).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def held_jobs(self, provider: str, job_ids: Sequence[str]) -> set[str]:
        """Which of these provider jobs some video already holds."""
        if not job_ids:
            return set()
        stmt = select(Video.provider_video_id).where(Video.provider == provider,
                                                     Video.provider_video_id.in_(list(job_ids)))
        return set((await self.session.execute(stmt)).scalars().all())

    async def recently_finished(self, limit: int) -> list[Row]:
        """The last `limit` jobs found finished, oldest first: what the tracker's duration history starts from."""
        stmt = (select(Video.provider, Video.model, Video.size, Video.seconds, Video.remix_of, Video.submitted_at,
                       Video.provider_finished_at)
                .where(Video.provider_finished_at.is_not(None), Video.submitted_at.is_not(None))
                .order_by(Video.provider_finished_at.desc()).limit(limit))
        return list(reversed((await self.session.execute(stmt)).all()))

    async def _take_leases(self, ids: list[str], now: datetime, owner: str, lease_until: datetime) -> bool:
        if not ids:
            return False
        # Pushing next_check_at to the lease end keeps a job out of the due set while a step runs on it.
        await self.session.execute(update(Video).where(Video.id.in_(ids), _lease_free(now, owner))
                                   .values(lease_owner=owner, lease_until=lease_until, next_check_at=lease_until))
        return True

    async def _lease(self, ids: list[str], now: datetime, owner: str, lease_until: datetime) -> list[str]:
        if not await self._take_leases(ids, now, owner, lease_until):
            return []
        leased = await self.session.execute(
            select(Video.id).where(Video.id.in_(ids), Video.lease_owner == owner))
        return list(leased.scalars().all())

    async def in_flight_count(self, provider: str) -> int:
        """Jobs that hold (or may hold) one of the provider's concurrency slots."""
        stmt = select(func.count()).select_from(Video).where(
            Video.provider == provider, Video.status.in_(ACTIVE_STATUSES),
            Video.submit_state.in_((SUBMIT_SUBMITTING, SUBMIT_CONFIRMING, SUBMIT_SUBMITTED)))
        return (await self.session.execute(stmt)).scalar_one()

    async def claim_submissions(self, provider: str, slots: int, now: datetime, owner: str,
                                lease_until: datetime) -> list[str]:
        """Oldest locally queued jobs of a provider, up to its free concurrency slots."""
        stmt = (select(Video.id).where(Video.provider == provider, Video.status == QUEUED,
                                       Video.submit_state == SUBMIT_PENDING, Video.cancelled_at.is_(None),
                                       _lease_free(now, owner),
                                       or_(Video.next_check_at.is_(None), Video.next_check_at <= now))
                .order_by(Video.created_at, Video.id).limit(slots))
        ids = (await self.session.execute(stmt)).scalars().all()
        return await self._lease(list(ids), now, owner, lease_until)

    async def release_own_leases(self, owner: str, now: datetime) -> int:
        """After a restart: steps this instance was running died with it, so their rows are due again now."""
        result = await self.session.execute(update(Video).where(Video.lease_owner == owner)
                                            .values(lease_owner=None, lease_until=None, next_check_at=now))
        return result.rowcount or 0

    async def next_due_at(self) -> datetime | None:
        # Rows leased by a step carry next_check_at = lease end, so a lapsed lease is found here too.
        stmt = select(func.min(Video.next_check_at)).where(or_(
            Video.status.in_(ACTIVE_STATUSES), and_(Video.status == COMPLETED, Video.download_state == DL_PENDING)))
        return (await self.session.execute(stmt)).scalar_one()

    async def counts_by_status(self) -> dict[str, int]:
        rows = await self.session.execute(select(Video.status, func.count()).group_by(Video.status))
        return {status: count for status, count in rows.all()}

    async def media_names(self) -> list[Row]:
        """Every video's stored file names (for `sora2 storage check`): id, download_state, file_name,
        thumbnail_name, spritesheet_name, reference_images."""
        result = await self.session.execute(select(
            Video.id, Video.download_state, Video.file_name, Video.thumbnail_name, Video.spritesheet_name,
            Video.reference_images))
        return list(result.all())
