"""The library's list query: filters and sort order, parsed once from query parameters.

A ListQuery is frozen (hashable), so it is also the list cache's key: every filter that changes the answer is in
it, and a new filter cannot be forgotten there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sora2.errors import BadRequest
from sora2.videos.compat import wants_original_values

SORTS = ("newest", "oldest", "duration", "cost")
MAX_OFFSET = 10_000_000  # far past any library; a larger number would overflow the databases' OFFSET
STATUSES = ("queued", "in_progress", "completed", "failed")


@dataclass(frozen=True)
class ListQuery:
    limit: int = 50
    offset: int = 0
    status: str | None = None
    model: str | None = None
    q: str | None = None
    favourite: bool | None = None
    collection_id: str | None = None
    batch_id: str | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    sort: str = "newest"
    id_prefix: str | None = None  # the CLI's short ids, like git's


def int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise BadRequest(f"Expected an integer, got {raw!r}", code="invalid_integer") from None
    return default if value <= 0 and low > 0 else min(max(value, low), high)


def bool_param(name: str, raw: str | None) -> bool | None:
    if raw in (None, ""):
        return None
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"{name} must be true or false", code=f"invalid_{name}")


def moment_param(name: str, raw: str | None, *, end: bool = False) -> datetime | None:
    """Epoch seconds, an ISO 8601 date-time, or a date (YYYY-MM-DD, UTC; as an end it includes that whole day)."""
    if raw in (None, ""):
        return None
    text = raw.strip()
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD), an ISO date-time or epoch seconds",
                         code=f"invalid_{name}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_list_query(*, limit: str | None, offset: str | None, status: str | None, model: str | None,
                     q: str | None, favourite: str | None = None, collection: str | None = None,
                     batch: str | None = None, created_from: str | None = None, created_to: str | None = None,
                     sort: str | None = None, id_prefix: str | None = None) -> ListQuery:
    if id_prefix and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", id_prefix):
        raise BadRequest("id_prefix may hold only letters, digits, '-' and '_'", code="invalid_id_prefix")
    if sort not in (None, "") and sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}", code="invalid_sort")
    start, stop = moment_param("from", created_from), moment_param("to", created_to, end=True)
    if start and stop and start >= stop:
        raise BadRequest("The date range is empty: 'from' must be before 'to'", code="invalid_range")
    return ListQuery(
        limit=int_param(limit, 50, 1, 200), offset=int_param(offset, 0, 0, MAX_OFFSET),
        status=status or None, model=model or None, q=q or None, favourite=bool_param("favourite", favourite),
        collection_id=collection or None, batch_id=batch or None, created_from=start, created_to=stop,
        sort=sort or "newest", id_prefix=id_prefix or None)


MAX_Q_LENGTH = 200
# The list route reads its query string itself (query_from_params): FastAPI's per-parameter validation of these
# twelve optional strings was most of a cached list request's cost. What it documented is kept here.
_DOCUMENTED = (("limit", None), ("offset", None), ("status", None), ("model", None), ("q", None),
               ("favourite", "true: only starred videos"), ("collection", "Only videos in this collection"),
               ("batch", "Only the variations of this batch"),
               ("from", "Made on or after: YYYY-MM-DD (UTC), ISO date-time or epoch seconds"),
               ("to", "Made before the end of: YYYY-MM-DD (UTC), ISO date-time or epoch seconds"),
               ("sort", "newest (default), oldest, duration, cost"),
               ("id_prefix", "Ids starting with this (short ids)"))


def _documented(name: str, description: str | None) -> dict:
    text = {"type": "string", "maxLength": MAX_Q_LENGTH} if name == "q" else {"type": "string"}
    schema = {"anyOf": [text, {"type": "null"}], "title": name.replace("_", " ").title()}
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        schema["description"] = parameter["description"] = description
    return parameter


LIST_OPENAPI = {"parameters": [_documented(name, text) for name, text in _DOCUMENTED]}


def query_from_params(params: Mapping[str, str]) -> ListQuery:
    """The list query from a request's query string (the names LIST_OPENAPI documents)."""
    q = params.get("q")
    if q is not None and len(q) > MAX_Q_LENGTH:
        raise BadRequest(f"Invalid value for query.q: String should have at most {MAX_Q_LENGTH} characters",
                         code="invalid_request")
    return parse_list_query(limit=params.get("limit"), offset=params.get("offset"), status=params.get("status"),
                            model=params.get("model"), q=q, favourite=params.get("favourite"),
                            collection=params.get("collection"), batch=params.get("batch"),
                            created_from=params.get("from"), created_to=params.get("to"), sort=params.get("sort"),
                            id_prefix=params.get("id_prefix"))


def page_key(params: Mapping[str, str], headers: Mapping[str, str]) -> tuple[ListQuery, bool]:
    """What a list page is cached under for its owner: the query, and whether the original's clients asked
    (they see other provider values, sora2.videos.compat)."""
    return query_from_params(params), wants_original_values(headers)
