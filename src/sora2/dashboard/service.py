"""The dashboard's figures for a period of whole UTC days, and the per-video ledger as CSV."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sora2.dashboard.repository import DashboardRepository
from sora2.dashboard.schemas import ProviderHealth, SpendRow, StorageRow, UsageOut, UsageTotals
from sora2.errors import BadRequest
from sora2.models import Video
from sora2.videos.states import state_of

DEFAULT_DAYS = 30
MAX_DAYS = 366 * 2
LEDGER_COLUMNS = ("video_id", "created_at", "user", "provider", "model", "seconds", "status", "estimate_usd",
                  "actual_usd", "charged_usd")


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=UTC)

    @classmethod
    def parse(cls, start: str | None, end: str | None, today: date | None = None) -> Period:
        today = today or datetime.now(UTC).date()
        last = _day(end, "end") if end else today
        first = _day(start, "start") if start else last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise BadRequest("start must not be after end", code="invalid_period")
        if (last - first).days >= MAX_DAYS:
            raise BadRequest(f"A period is at most {MAX_DAYS} days", code="invalid_period")
        return cls(first, last)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date such as 2026-11-30", code="invalid_period") from None


def _rows(rows, labels: dict[str, str] | None = None) -> list[SpendRow]:  # noqa: ANN001
    out = [SpendRow(key=str(key), label=(labels or {}).get(str(key), str(key)), spend=round(float(spend), 2),
                    videos=int(count)) for key, spend, count in rows]
    return sorted(out, key=lambda r: (-r.spend, -r.videos, r.key))


def _cell(text: str) -> str:
    """Spreadsheets run cells that start like a formula: such names are quoted (OWASP's CSV-injection advice)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class DashboardService:
    def __init__(self, session) -> None:  # noqa: ANN001
        self.repo = DashboardRepository(session)

    async def usage(self, period: Period) -> UsageOut:
        start, end = period.start, period.end
        names = await self.repo.usernames()
        by_day = {str(key): (float(spend), int(count)) for key, spend, count in
                  await self.repo.spend_by_day(start, end)}
        days = [(period.first + timedelta(days=i)).isoformat() for i in range((period.last - period.first).days + 1)]
        day_rows = [SpendRow(key=d, label=d, spend=round(by_day.get(d, (0.0, 0))[0], 2), videos=by_day.get(d, (0, 0))[1])
                    for d in days]
        by_user = _rows(await self.repo.spend_by(Video.user_id, start, end), names)
        return UsageOut(
            start=period.first.isoformat(), end=period.last.isoformat(),
            totals=UsageTotals(spend=round(sum(r.spend for r in by_user), 2), videos=sum(r.videos for r in by_user)),
            by_day=day_rows, by_user=by_user,
            by_provider=_rows(await self.repo.spend_by(Video.provider, start, end)),
            by_model=_rows(await self.repo.spend_by(Video.model, start, end)),
            jobs=await self._health(start, end),
            storage=[StorageRow(user_id=uid, username=name, bytes=int(size), videos=int(count))
                     for uid, name, size, count in await self.repo.storage_by_user()])

    async def _health(self, start: datetime, end: datetime) -> list[ProviderHealth]:
        counts: dict[str, dict[str, int]] = {}
        for provider, status, submit_state, cancelled, count in await self.repo.status_counts(start, end):
            # by the owner's state: a cancelled job is no failure of its provider's
            state = state_of(status, submit_state, cancelled=bool(cancelled))
            by_state = counts.setdefault(provider, {})
            by_state[state] = by_state.get(state, 0) + int(count)
        waits: dict[str, list[float]] = {}
        for provider, created, ready in await self.repo.ready_times(start, end):
            waits.setdefault(provider, []).append(max(0.0, (ready - created).total_seconds()))
        health = []
        for provider in sorted(counts):
            statuses = counts[provider]
            finished = statuses.get("completed", 0) + statuses.get("failed", 0)
            rate = round(statuses.get("failed", 0) / finished, 4) if finished else None
            median = round(statistics.median(waits[provider]), 1) if waits.get(provider) else None
            health.append(ProviderHealth(provider=provider, by_status=statuses, failure_rate=rate,
                                         median_seconds_to_ready=median))
        return health

    async def ledger_csv(self, period: Period) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(LEDGER_COLUMNS)
        for row in await self.repo.ledger(period.start, period.end):
            writer.writerow([row.id, row.created_at.isoformat(timespec="seconds"), _cell(row.username),
                             _cell(row.provider), _cell(row.model), row.seconds, row.status, f"{row.cost:.2f}",
                             "" if row.actual_cost is None else f"{row.actual_cost:.2f}", f"{float(row.charged):.2f}"])
        return buffer.getvalue()
