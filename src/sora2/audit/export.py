"""Audit log exports: CSV (safe to open in a spreadsheet) or JSON, written row by row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator

from sora2.audit.schemas import CSV_COLUMNS, AuditEntryOut
from sora2.models import AuditEntry

# A cell starting with one of these is run as a formula by spreadsheets; attempted usernames are attacker text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, dict):
        value = json.dumps(value, separators=(",", ":"), sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_line(values: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(v) for v in values])
    return buffer.getvalue()


async def csv_lines(entries: AsyncIterator[AuditEntry]) -> AsyncIterator[str]:
    yield _csv_line(list(CSV_COLUMNS))
    async for entry in entries:
        row = AuditEntryOut.of(entry).model_dump()
        yield _csv_line([row[column] for column in CSV_COLUMNS])


async def json_lines(entries: AsyncIterator[AuditEntry]) -> AsyncIterator[str]:
    """One JSON array, streamed: `[` then entries separated by commas, then `]`."""
    yield "[\n"
    first = True
    async for entry in entries:
        yield ("" if first else ",\n") + AuditEntryOut.of(entry).model_dump_json()
        first = False
    yield "\n]\n"
