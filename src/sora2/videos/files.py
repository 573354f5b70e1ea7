"""Serving stored media: a redirect to the store when it can hand the bytes out itself (S3, presigned), or the
bytes through us with ETag, conditional requests and RFC 7233 single ranges."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from sora2.errors import NotFound, RangeNotSatisfiableError
from sora2.media import MediaStore, RangeNotSatisfiable, content_range_header, parse_range, unsatisfied_range_header


async def media_response(request: Request, store: MediaStore, key: str, media_type: str, *, redirect: bool,
                         download_name: str | None = None) -> Response:
    """`redirect`: send the client to the store when it gives out URLs (S3); a local store always streams."""
    if redirect:
        location = await store.locate(key, content_type=media_type, download_name=download_name)
        if location.url is not None:
            # Cached for a part of the link's life at most, so a cached redirect never leads to an expired link.
            return RedirectResponse(location.url, status_code=307, headers={
                "Cache-Control": f"private, max-age={max(0, location.expires_in // 2)}"})
    return await _streamed(request, store, key, media_type, download_name)


async def _streamed(request: Request, store: MediaStore, key: str, media_type: str,
                    download_name: str | None) -> Response:
    stored = await store.stat(key)
    if stored is None:
        raise NotFound("File not found")
    etag, size = stored.etag, stored.size
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
    return StreamingResponse(store.read_range(key, start, length), status_code=status, headers=headers,
                             media_type=media_type)
