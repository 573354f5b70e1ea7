"""Serving stored media: a redirect to the store when it can hand the bytes out itself (S3, presigned), nginx's
X-Accel-Redirect when configured (SORA2_MEDIA_ACCEL_REDIRECT), or the bytes through us with ETag, conditional
requests and RFC 7233 single ranges."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from sora2.errors import NotFound, RangeNotSatisfiableError
from sora2.media import MediaStore, RangeNotSatisfiable, content_range_header, parse_range, unsatisfied_range_header
from sora2.media.store.base import StoredObject
from sora2.videos.disk_response import FileSlice


@dataclass(frozen=True)
class Answer:
    """What a conditional or range request gets from an object of `size` bytes."""

    status: int  # 200, 206 or 304
    start: int
    length: int
    headers: dict[str, str]


async def media_response(request: Request, store: MediaStore, key: str, media_type: str, *, redirect: bool,
                         download_name: str | None = None, accel_prefix: str = "") -> Response:
    """`redirect`: send the client to the store when it gives out URLs (S3); `accel_prefix`: let nginx send a
    local file (X-Accel-Redirect to an internal location); otherwise the bytes go through us."""
    if redirect:
        location = await store.locate(key, content_type=media_type, download_name=download_name)
        if location.url is not None:
            # Cached for a part of the link's life at most, so a cached redirect never leads to an expired link.
            return RedirectResponse(location.url, status_code=307, headers={
                "Cache-Control": f"private, max-age={max(0, location.expires_in // 2)}"})
    stored = await store.stat(key)
    if stored is None:
        raise NotFound("File not found")
    answer = _answer(request, stored, download_name)
    path = store.local_path(key)
    if answer.status == 304 or request.method == "HEAD":
        return Response(status_code=answer.status, headers=answer.headers,
                        media_type=None if answer.status == 304 else media_type)
    if path is None:
        return StreamingResponse(store.read_range(key, answer.start, answer.length), status_code=answer.status,
                                 headers=answer.headers, media_type=media_type)
    if accel_prefix:
        return _accel_redirect(accel_prefix + key, answer, media_type)
    return FileSlice(path, answer.start, answer.length, whole=answer.length == stored.size,
                     status_code=answer.status, headers=answer.headers, media_type=media_type)


def _answer(request: Request, stored: StoredObject, download_name: str | None) -> Answer:
    etag, size = stored.etag, stored.size
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    if etag in request.headers.get("if-none-match", ""):
        return Answer(304, 0, 0, headers)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range and if_range != etag:
        range_header = None  # the client's copy is stale: send the whole new file
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable as exc:
        raise RangeNotSatisfiableError(f"{exc} (the file has {size} bytes)",
                                       headers={"Content-Range": unsatisfied_range_header(size)}) from None
    if byte_range is None:
        headers["Content-Length"] = str(size)
        return Answer(200, 0, size, headers)
    headers["Content-Range"] = content_range_header(byte_range, size)
    headers["Content-Length"] = str(byte_range.length)
    return Answer(206, byte_range.start, byte_range.length, headers)


def _accel_redirect(uri: str, answer: Answer, media_type: str) -> Response:
    """nginx serves the file from its internal location, ranges and validators included (its ETag is the one we
    compute, see LocalStore); the range was checked here, so a malformed one is our 416, as without nginx.
    nginx keeps Content-Type, Content-Disposition and Cache-Control of this answer. `X-Accel-Expires: 0`: a
    cache in nginx must not reuse this authorisation unless the route says so (see grant_for)."""
    headers = {name: value for name, value in answer.headers.items()
               if name in ("Cache-Control", "Content-Disposition")}
    headers["X-Accel-Redirect"] = uri
    headers["X-Accel-Expires"] = "0"
    return Response(status_code=200, headers=headers, media_type=media_type)


GRANT_SECONDS = 60  # the longest nginx may reuse one signed link's authorisation (docs/deployment.md)


def grant_for(response: Response, seconds: int) -> Response:
    """Let nginx's grant cache reuse the authorisation of an X-Accel-Redirect answer for the same request's next
    ones (a player's seeks) for `seconds`; without X-Accel-Redirect the server sends the file and nothing is reused."""
    if "x-accel-redirect" in response.headers:
        response.headers["X-Accel-Expires"] = str(max(0, seconds))
    return response


def link_grant_seconds(expires: int, now: float) -> int:
    """A signed link's grant: never past the link's own expiry and for at most GRANT_SECONDS."""
    return min(GRANT_SECONDS, expires - int(now))
