"""HTTP Range requests (RFC 7233) for the content route: one byte range, or the whole file.

Choices, where the RFC leaves room or where our compatibility issue decides:
- No header (or an empty one) → None: serve the whole file with 200.
- Malformed headers (`bytes=abc`, `bytes=100-50`, `bytes=-`, another unit such as `items=0-1`) raise
  RangeNotSatisfiable → 416. RFC 7233 §3.1 lets a server ignore such a header and send 200 instead, and many
  do; we answer 416 because the original crashed on exactly these headers and our issue asks for 416 on
  "unsatisfiable or malformed ones", which also tells a buggy client what went wrong.
- Syntactically valid but unsatisfiable (first byte at or past the end, `bytes=-0`, any range of an empty
  file) → RangeNotSatisfiable → 416 with `Content-Range: bytes */<size>`, as §4.4 says.
- Multiple ranges (`bytes=0-1,5-6`) → only the first satisfiable one is served, as a plain 206 (no
  multipart/byteranges). §4.1 allows this; media players only ever ask for one range.
- Numbers longer than 18 digits are larger than any file: they are read as "past the end" without converting
  thousands of digits (Python refuses int() beyond 4,300 digits, which was a 500).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sora2.media.errors import RangeNotSatisfiable

MAX_RANGES = 100  # more specs than this is an abuse pattern (RFC 7233 §6.1), not a media player
MAX_DIGITS = 18  # 10**18 bytes is an exabyte: any longer number is past the end of every file
BEYOND_ANY_FILE = 10**MAX_DIGITS
_SPEC = re.compile(r"([0-9]*)-([0-9]*)")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The byte range to serve from a file of `size` bytes, or None for the whole file (200)."""
    if header is None or not header.strip():
        return None
    unit, separator, specs = header.strip().partition("=")
    if not separator or unit.strip().lower() != "bytes":
        raise RangeNotSatisfiable(f"Unsupported range unit in {_shown(header)} (only bytes ranges are served)")
    parsed = [_parse_spec(spec.strip(), header) for spec in specs.split(",") if spec.strip()]
    if not parsed or len(parsed) > MAX_RANGES:
        raise RangeNotSatisfiable(f"Malformed range header {_shown(header)}")
    for first, last in parsed:
        byte_range = _resolve(first, last, size)
        if byte_range is not None:
            return byte_range
    raise RangeNotSatisfiable(f"Range {_shown(header)} is outside the file")  # callers say its size


def _parse_spec(spec: str, header: str) -> tuple[int | None, int | None]:
    """`a-b`, `a-` or `-n` as (first, last) with None for the missing side; anything else is malformed."""
    match = _SPEC.fullmatch(spec)
    if match is None or not (match[1] or match[2]):
        raise RangeNotSatisfiable(f"Malformed range header {_shown(header)}")
    first = _number(match[1]) if match[1] else None
    last = _number(match[2]) if match[2] else None
    if first is not None and last is not None and last < first:
        raise RangeNotSatisfiable(f"Malformed range header {_shown(header)}: the range ends before it starts")
    return first, last


def _shown(header: str) -> str:
    """The header as quoted in an error message: enough to recognise it, never thousands of characters."""
    return repr(header if len(header) <= 80 else header[:77] + "...")


def _number(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else BEYOND_ANY_FILE


def _resolve(first: int | None, last: int | None, size: int) -> ByteRange | None:
    """Clamp one parsed spec to the file; None when it selects no byte."""
    if first is None:  # suffix: the last `last` bytes, or the whole file if it is shorter
        assert last is not None
        if last == 0 or size == 0:
            return None
        return ByteRange(max(0, size - last), size - 1)
    if first >= size:
        return None
    return ByteRange(first, size - 1 if last is None else min(last, size - 1))


def content_range_header(byte_range: ByteRange, size: int) -> str:
    """Value of Content-Range for a 206 response, e.g. 'bytes 0-499/1234'."""
    return f"bytes {byte_range.start}-{byte_range.end}/{size}"


def unsatisfied_range_header(size: int) -> str:
    """Value of Content-Range for a 416 response, e.g. 'bytes */1234'."""
    return f"bytes */{size}"
