"""Serving stored media: ETag, conditional requests and RFC 7233 single ranges."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from sora2.errors import NotFound, RangeNotSatisfiableError
from sora2.media import RangeNotSatisfiable, content_range_header, parse_range, unsatisfied_range_header

CHUNK = 256 * 1024


async def _read_range(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    handle = await anyio.open_file(path, "rb")
    try:
        await handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = await handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        await handle.aclose()


def _etag(stat: os.stat_result) -> str:
    return f'"{stat.st_size:x}-{int(stat.st_mtime_ns):x}"'


def file_response(request: Request, path: Path, media_type: str, *, download_name: str | None = None) -> Response:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotFound("File not found") from None
    etag, size = _etag(stat), stat.st_size
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range and if_range != etag:
        range_header = None  # the client's copy is stale: send the whole new file
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable as exc:
        raise RangeNotSatisfiableError(f"{exc} (the file has {size} bytes)",
                                       headers={"Content-Range": unsatisfied_range_header(size)}) from None
    start, length, status = 0, size, 200
    if byte_range is not None:
        start, length, status = byte_range.start, byte_range.end - byte_range.start + 1, 206
        headers["Content-Range"] = content_range_header(byte_range, size)
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(_read_range(path, start, length), status_code=status, headers=headers,
                             media_type=media_type)
