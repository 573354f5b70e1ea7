"""Delivers the outbox: one loop per instance sends due deliveries (leased, so two instances never send one
attempt), retries on a backoff schedule for about a day, and a periodic sweep announces finished videos whose
fan-out a crash cut off. Events come from committed VideoUpdated changes on the bus."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

import httpx

from sora2.context import AppContext
from sora2.db.base import utcnow
from sora2.events import VideoUpdated, WebhooksQueued
from sora2.models import OutboundAttempt
from sora2.models.outbound import DELIVERED, FAILED, PENDING
from sora2.outbound.payloads import TERMINAL_STATUSES, body_of
from sora2.outbound.repository import OutboundRepository
from sora2.outbound.service import OutboundService
from sora2.outbound.signing import headers as signed_headers
from sora2.outbound.urls import UrlRefused, resolve

log = logging.getLogger(__name__)
MAX_IDLE_SLEEP = 5.0  # nothing due: this instance's own fan-outs and resends wake the loop at once
SWEEP_LOOKBACK = timedelta(days=3)  # no job runs longer; older finished videos were announced or never will be
ANNOUNCING_FIELDS = frozenset({"state", "download_state"})
USER_AGENT = "sora2-webhooks/1"


def outcome_values(attempts: int, status: int | None, error: str | None, schedule: list[float],
                   now: datetime) -> dict:
    """The delivery's columns after attempt number `attempts`: acknowledged (2xx) is final; otherwise the next
    retry from the schedule, or failed once it is used up."""
    if status is not None and 200 <= status < 300:
        return {"state": DELIVERED, "delivered_at": now, "attempts": attempts, "last_status": status,
                "last_error": None, "next_attempt_at": None, "resend": False}
    values = {"attempts": attempts, "last_status": status, "last_error": error, "resend": False}
    if attempts <= len(schedule):
        return {**values, "state": PENDING, "next_attempt_at": now + timedelta(seconds=schedule[attempts - 1])}
    return {**values, "state": FAILED, "next_attempt_at": None}


class Dispatcher:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.owner = self.settings.resolved_instance_id
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._sending: set[str] = set()
        self._slots = asyncio.Semaphore(max(1, self.settings.webhooks_concurrency))
        self._http: httpx.AsyncClient | None = None
        self._loops: list[asyncio.Task] = []

    async def start(self) -> None:
        self._http = httpx.AsyncClient(follow_redirects=False, headers={"User-Agent": USER_AGENT},
                                       timeout=httpx.Timeout(self.settings.webhooks_timeout_seconds))
        async with self.ctx.sessions.begin() as session:
            resumed = await OutboundRepository(session).release_own_leases(self.owner, utcnow())
        if resumed:
            log.info("resending %d webhook deliveries cut off by the restart", resumed)
        self.ctx.bus.subscribe(self._on_event, remote=False)  # the instance that committed the change announces it
        self._loops = [asyncio.create_task(self._run(), name="sora2-webhooks"),
                       asyncio.create_task(self._sweep_loop(), name="sora2-webhooks-sweep")]

    async def stop(self) -> None:
        tasks = [*self._loops, *self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    def wake(self) -> None:
        self._wake.set()

    # --- fan-out -----------------------------------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if isinstance(event, WebhooksQueued):
            self.wake()
        # Only changes that can make a video final: a poll's progress never costs a query here.
        elif isinstance(event, VideoUpdated) and (event.terminal or ANNOUNCING_FIELDS & event.updates.keys()):
            self._spawn(self.announce(event.video_id))

    async def announce(self, video_id: str) -> int:
        async with self.ctx.sessions.begin() as session:
            made = await OutboundService(session).fan_out(video_id, self.settings.public_url)
        if made:
            self.wake()
        return made

    async def sweep(self) -> int:
        """Announce finished videos that have no event yet (the process died between commit and fan-out)."""
        async with self.ctx.sessions.begin() as session:
            if not await OutboundRepository(session).any_enabled_endpoint():
                return 0
            missed = await OutboundService(session).unannounced(utcnow() - SWEEP_LOOKBACK, TERMINAL_STATUSES)
        made = 0
        for video_id in missed:
            made += await self.announce(video_id)
        return made

    async def _sweep_loop(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # the loop must outlive a bad sweep (the database briefly away)
                log.exception("webhook sweep failed")
            await asyncio.sleep(self.settings.webhooks_sweep_seconds)

    # --- delivery ----------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._tick()
                sleep = await self._sleep_budget()
            except Exception:
                log.exception("webhook dispatch tick failed")
                sleep = 1.0
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=sleep)
            except TimeoutError:
                pass

    async def _sleep_budget(self) -> float:
        async with self.ctx.sessions.begin() as session:
            due = await OutboundRepository(session).next_due_at()
        if due is None:
            return MAX_IDLE_SLEEP
        return min(MAX_IDLE_SLEEP, max(0.05, (due - utcnow()).total_seconds()))

    async def _tick(self) -> None:
        free = self.settings.webhooks_concurrency - len(self._sending)
        if free <= 0:
            return
        now = utcnow()
        lease_until = now + timedelta(seconds=self.settings.webhooks_lease_seconds)
        async with self.ctx.sessions.begin() as session:
            claimed = await OutboundRepository(session).claim_due(now, self.owner, lease_until, free)
        for row in claimed:
            if row[0] not in self._sending:
                self._sending.add(row[0])
                self._spawn(self._deliver(row))

    def _spawn(self, coroutine) -> None:  # noqa: ANN001
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook task failed", exc_info=task.exception())

    async def _deliver(self, row) -> None:  # noqa: ANN001
        delivery_id, attempts, resend, event_id, _kind, payload, url, secret, enabled = row
        try:
            started, now = time.monotonic(), utcnow()
            if enabled:
                async with self._slots:
                    status, error = await self._post(url, secret, event_id, body_of(payload))
            else:
                status, error = None, "The endpoint is disabled"
            await self._record(delivery_id, attempts + 1, bool(resend), status, error, now,
                               int((time.monotonic() - started) * 1000), final=not enabled)
        finally:
            self._sending.discard(delivery_id)
            self.wake()

    async def _post(self, url: str, secret: str, event_id: str, body: bytes) -> tuple[int | None, str | None]:
        try:
            target = await resolve(url, self.settings.webhooks_allow_private_urls)
        except UrlRefused as exc:
            return None, str(exc)
        headers = {**target.headers, **signed_headers(secret, event_id, int(time.time()), body)}
        try:
            async with asyncio.timeout(self.settings.webhooks_timeout_seconds):
                # Streamed and never read: an endpoint's answer is its status; a huge body must cost nothing.
                async with self._http.stream("POST", target.url, content=body, headers=headers,
                                             extensions=target.extensions) as response:
                    status = response.status_code
        except TimeoutError:
            return None, "Timed out"
        except httpx.HTTPError as exc:
            return None, f"{exc.__class__.__name__}: {exc}"[:300]
        return status, None if 200 <= status < 300 else f"HTTP {status}"

    async def _record(self, delivery_id: str, attempts: int, resend: bool, status: int | None, error: str | None,
                      now: datetime, duration_ms: int, final: bool = False) -> None:
        schedule = [] if final else list(self.settings.webhooks_retry_schedule)
        values = outcome_values(attempts, status, error, schedule, utcnow())
        async with self.ctx.sessions.begin() as session:
            repo = OutboundRepository(session)
            if not await repo.finish_leased(delivery_id, self.owner, values):
                log.warning("webhook delivery %s: lease lost while sending", delivery_id)
                if await repo.delivery(delivery_id) is None:
                    return  # its endpoint was deleted meanwhile: nothing to log against
            session.add(OutboundAttempt(delivery_id=delivery_id, attempted_at=now, status_code=status, error=error,
                                        duration_ms=duration_ms, manual=resend))
