from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import StreamingResponse

from sora2.audit.export import csv_lines, json_lines
from sora2.audit.repository import AuditFilter
from sora2.audit.schemas import AccountActivityOut, AuditEntryOut, AuditPageOut, ExportFormat, SignInSecurity
from sora2.audit.service import ACTIONS, AuditService, record
from sora2.context import AppContext
from sora2.db.base import INTEGER_ID_MAX
from sora2.deps import AdminUser, CtxDep, CurrentUser, SessionDep, client_address

router = APIRouter(prefix="/api", tags=["audit"])
EXPORT_LIMIT = 100_000
EPOCH_MAX = 253402300799  # 9999-12-31: later than any real date, and what a datetime can hold

Action = Annotated[str | None, Query(max_length=64, description="An action, or a family ending in '.' (auth.)")]
UserName = Annotated[str | None, Query(max_length=64, description="A username, as the one acting or acted on")]
Since = Annotated[int | None, Query(ge=0, le=EPOCH_MAX, description="From this time (epoch seconds)")]
Until = Annotated[int | None, Query(ge=0, le=EPOCH_MAX, description="Before this time (epoch seconds)")]


def _filter(action: str | None, user: str | None, since: int | None, until: int | None) -> AuditFilter:
    def when(value: int | None) -> datetime | None:
        return None if value is None else datetime.fromtimestamp(value, UTC)

    return AuditFilter(action=action or None, user=user or None, since=when(since), until=when(until))


@router.get("/admin/audit", response_model=AuditPageOut)
async def audit_log(_admin: AdminUser, session: SessionDep, action: Action = None, user: UserName = None,
                    since: Since = None, until: Until = None,
                    before_id: Annotated[int | None, Query(ge=1, le=INTEGER_ID_MAX)] = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> AuditPageOut:
    """The audit log, newest first, filtered by action, user and time (admin only)."""
    entries = await AuditService(session).page(_filter(action, user, since, until), before_id, limit)
    next_before = entries[-1].id if len(entries) == limit else None
    return AuditPageOut(entries=[AuditEntryOut.of(e) for e in entries], next_before=next_before,
                        actions=list(ACTIONS))


@router.get("/admin/audit/export", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
async def export_audit_log(request: Request, admin: AdminUser, ctx: CtxDep, session: SessionDep,
                           format: ExportFormat = "csv", action: Action = None, user: UserName = None,
                           since: Since = None, until: Until = None) -> StreamingResponse:
    """Download the (filtered) audit log as CSV or JSON, newest first, at most 100,000 entries (admin only)."""
    where = _filter(action, user, since, until)
    await record(session, admin, "audit.exported", None, {"format": format, **_described(where)},
                 address=client_address(request))
    lines = (csv_lines if format == "csv" else json_lines)(_entries(ctx, where))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(lines, media_type="text/csv" if format == "csv" else "application/json",
                             headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.{format}"',
                                      "Cache-Control": "no-store"})


def _described(where: AuditFilter) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(where).items() if v is not None}


async def _entries(ctx: AppContext, where: AuditFilter) -> AsyncIterator:
    # The request's session is committed before the body streams: the export reads in a session of its own.
    async with ctx.sessions.begin() as session:
        async for entry in AuditService(session).stream(where, EXPORT_LIMIT):
            yield entry


@router.get("/auth/activity", response_model=AccountActivityOut, tags=["auth"])
async def account_activity(user: CurrentUser, session: SessionDep) -> AccountActivityOut:
    """The caller's own recent security events (sign-ins, failures, password and token changes) and the failed
    sign-ins since their previous sign-in."""
    service = AuditService(session)
    failed = await service.failed_sign_ins(user.id, signed_in_now=True)
    entries = await service.account_activity(user.id)
    return AccountActivityOut(security=SignInSecurity.of(failed), entries=[AuditEntryOut.of(e) for e in entries])
