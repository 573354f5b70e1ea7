"""StudioClient: the studio's REST API as async methods (for the CLI and, in-process, the MCP server)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from sora2.client.errors import ApiError, ServerUnreachable, describe_transport_error, error_from_response
from sora2.client.transfer import ProgressCallback, default_filename, stream_to_file

UpdateCallback = Callable[[dict], Awaitable[None] | None]
TERMINAL_DOWNLOAD_STATES = ("done", "failed", "expired")


def normalize_base_url(url: str) -> str:
    """`host:3000`, `http://host:3000/` and `http://host:3000/api` all mean the same server."""
    url = url.strip()
    if "://" not in url:
        url = f"http://{url}"
    url = url.rstrip("/")
    return url[: -len("/api")] if url.endswith("/api") else url


def is_terminal(video: dict) -> bool:
    """Nothing more will happen without a user action: failed, cancelled or unconfirmed (`status` reads "failed"
    for all three), or completed and its download settled."""
    if video.get("status") == "failed":
        return True
    settled = (*TERMINAL_DOWNLOAD_STATES, None)  # None: rows imported from the original (no download step)
    return video.get("status") == "completed" and video.get("download_state") in settled


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"  # the server checks the content and answers 415 with a clear message


class StudioClient:
    """One server, one bearer token (a login JWT or a personal `s2p_…` token); failures raise ApiError."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None, timeout: float = 60.0) -> None:
        self.base_url = normalize_base_url(base_url)
        self.token = token
        self._http = httpx.AsyncClient(base_url=self.base_url, transport=transport, timeout=timeout,
                                       headers={"User-Agent": "sora2-client"})

    def __repr__(self) -> str:  # never shows the token
        return f"StudioClient({self.base_url!r}, token={'set' if self.token else 'none'})"

    async def __aenter__(self) -> "StudioClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    # -- plumbing -------------------------------------------------------------------------------------------

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    async def _request(self, method: str, path: str, *, idempotency_key: str | None = None,
                       **kwargs: Any) -> dict:
        try:
            headers = self._headers(idempotency_key)
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, describe_transport_error(exc)) from None
        if not response.is_success:
            raise error_from_response(response)
        try:
            return response.json()
        except ValueError:
            raise ApiError(response.status_code, "The server answered with something other than JSON",
                           "invalid_response") from None

    # -- account --------------------------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> dict:
        """Password login; the returned JWT becomes this client's token."""
        body = {"username": username, "password": password}
        result = await self._request("POST", "/api/auth/login", json=body)
        self.token = result["token"]
        return result

    async def me(self) -> dict:
        return await self._request("GET", "/api/auth/me")

    async def create_token(self, name: str, scopes: list[str] | None = None,
                           expires_in_days: int | None = None) -> dict:
        """A personal API token (needs a password login); its secret is the answer's `token`, shown once."""
        body = {"name": name, "scopes": list(scopes or ["read", "write"]), "expires_in_days": expires_in_days}
        return await self._request("POST", "/api/tokens", json=body)

    async def list_tokens(self) -> dict:
        return await self._request("GET", "/api/tokens")

    async def revoke_token(self, token_id: str) -> dict:
        return await self._request("DELETE", f"/api/tokens/{token_id}")

    async def providers(self) -> dict:
        return await self._request("GET", "/api/providers")

    # -- videos ---------------------------------------------------------------------------------------------

    async def create_video(self, prompt: str, *, model: str | None = None, size: str | None = None,
                           seconds: str | int | None = None, provider: str | None = None,
                           image: bytes | None = None, image_filename: str = "reference.png",
                           extra: dict | None = None, idempotency_key: str | None = None) -> dict:
        """Create a video: JSON, or multipart with the image as `input_reference` when one is given."""
        fields = _drop_none({"prompt": prompt, "model": model, "size": size,
                             "seconds": str(seconds) if seconds is not None else None, "provider": provider,
                             **(extra or {})})
        if image is None:
            return await self._request("POST", "/api/videos", json=fields, idempotency_key=idempotency_key)
        files = {"input_reference": (image_filename, image, _image_mime(image))}
        data = {k: v if isinstance(v, str) else str(v) for k, v in fields.items()}
        return await self._request("POST", "/api/videos", data=data, files=files,
                                   idempotency_key=idempotency_key)

    async def get_video(self, video_id: str) -> dict:
        return await self._request("GET", f"/api/videos/{video_id}")

    async def list_videos(self, *, limit: int = 20, offset: int = 0, status: str | None = None,
                          model: str | None = None, q: str | None = None, **filters: Any) -> dict:
        """`filters`: favourite, collection, batch, sort, id_prefix, and date_from / date_to (sent as from / to)."""
        renamed = {"from": filters.pop("date_from", None), "to": filters.pop("date_to", None), **filters}
        if isinstance(renamed.get("favourite"), bool):
            renamed["favourite"] = str(renamed["favourite"]).lower()
        params = _drop_none({"limit": limit, "offset": offset, "status": status, "model": model, "q": q, **renamed})
        return await self._request("GET", "/api/videos", params=params)

    async def resolve_id(self, video_id: str) -> str:
        """A full id from a unique prefix (like git): `sora2 get 3f2a9c1b` works when one video starts so."""
        if len(video_id) >= 36:
            return video_id
        page = await self.list_videos(limit=5, id_prefix=video_id)
        matches = [v["id"] for v in page["videos"]]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ApiError(404, f"Video not found: no video id starts with {video_id!r}", "not_found")
        raise ApiError(400, f"{video_id!r} is ambiguous: {page['total']} videos start with it "
                            f"({', '.join(m[:12] for m in matches)}…); give more characters", "ambiguous_id")

    async def create_variations(self, prompt: str, count: int, *, idempotency_key: str | None = None,
                                **fields: Any) -> dict:
        """POST /api/videos/batch: `count` videos of one request, grouped by a batch id (JSON; no image)."""
        body = _drop_none({"prompt": prompt, "count": count, **fields})
        if body.get("seconds") is not None:
            body["seconds"] = str(body["seconds"])
        return await self._request("POST", "/api/videos/batch", json=body, idempotency_key=idempotency_key)

    async def set_favourite(self, video_id: str, favourite: bool = True) -> dict:
        return await self._request("PUT" if favourite else "DELETE", f"/api/videos/{video_id}/favourite")

    async def bulk(self, action: str, video_ids: list[str], collection_id: str | None = None) -> dict:
        body = _drop_none({"action": action, "video_ids": video_ids, "collection_id": collection_id})
        return await self._request("POST", "/api/videos/bulk", json=body)

    async def prepare_archive(self, video_ids: list[str]) -> dict:
        return await self._request("POST", "/api/videos/archive", json={"video_ids": video_ids})

    # -- collections, presets, share links ---------------------------------------------------------------

    async def collections(self, video_id: str | None = None) -> dict:
        return await self._request("GET", "/api/collections", params=_drop_none({"video_id": video_id}))

    async def create_collection(self, name: str) -> dict:
        return await self._request("POST", "/api/collections", json={"name": name})

    async def add_to_collection(self, collection_id: str, video_ids: list[str]) -> dict:
        return await self._request("POST", f"/api/collections/{collection_id}/videos", json={"video_ids": video_ids})

    async def remove_from_collection(self, collection_id: str, video_id: str) -> dict:
        return await self._request("DELETE", f"/api/collections/{collection_id}/videos/{video_id}")

    async def presets(self) -> dict:
        return await self._request("GET", "/api/presets")

    async def create_share(self, *, video_id: str | None = None, collection_id: str | None = None,
                           show_prompt: bool = False, expires_in_days: int | None = None) -> dict:
        body = _drop_none({"video_id": video_id, "collection_id": collection_id, "show_prompt": show_prompt,
                           "expires_in_days": expires_in_days})
        return await self._request("POST", "/api/shares", json=body)

    async def shares(self) -> dict:
        return await self._request("GET", "/api/shares")

    async def revoke_share(self, share_id: str) -> dict:
        return await self._request("DELETE", f"/api/shares/{share_id}")

    async def remix_video(self, video_id: str, prompt: str, *, idempotency_key: str | None = None) -> dict:
        return await self._request("POST", f"/api/videos/{video_id}/remix", json={"prompt": prompt},
                                   idempotency_key=idempotency_key)

    async def continue_video(self, video_id: str, prompt: str, *, model: str | None = None,
                             seconds: str | int | None = None, idempotency_key: str | None = None) -> dict:
        body = _drop_none({"prompt": prompt, "model": model,
                           "seconds": str(seconds) if seconds is not None else None})
        return await self._request("POST", f"/api/videos/{video_id}/continue", json=body,
                                   idempotency_key=idempotency_key)

    async def cancel_video(self, video_id: str) -> dict:
        return await self._request("POST", f"/api/videos/{video_id}/cancel")

    async def retry_video(self, video_id: str, changes: dict | None = None, *,
                          idempotency_key: str | None = None) -> dict:
        """A new video made again from a failed, cancelled or unconfirmed one, with `changes` (None: same)."""
        return await self._request("POST", f"/api/videos/{video_id}/retry", json=_drop_none(changes or {}),
                                   idempotency_key=idempotency_key)

    async def dismiss_video(self, video_id: str) -> dict:
        return await self._request("POST", f"/api/videos/{video_id}/dismiss")

    async def estimate(self, fields: dict) -> dict:
        """What a create with these fields would cost (nothing is created)."""
        return await self._request("POST", "/api/videos/estimate", json=_drop_none(fields))

    async def delete_video(self, video_id: str) -> dict:
        return await self._request("DELETE", f"/api/videos/{video_id}")

    async def screenshots(self, video_id: str, count: int = 3) -> dict:
        return await self._request("GET", f"/api/videos/{video_id}/screenshots", params={"count": count})

    async def cost_stats(self) -> dict:
        return await self._request("GET", "/api/videos/stats/costs")

    async def content(self, video_id: str, variant: str = "thumbnail") -> bytes:
        """A small file (thumbnail, sprite sheet) in memory; use `download` for videos."""
        try:
            # Followed: a server keeping its media in S3 answers with a short-lived link to the object (httpx drops
            # the Authorization header when the redirect leaves the server's origin).
            response = await self._http.get(f"/api/videos/{video_id}/content", params={"variant": variant},
                                            headers=self._headers(), follow_redirects=True)
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, describe_transport_error(exc)) from None
        if not response.is_success:
            raise error_from_response(response)
        return response.content

    async def download(self, video_id: str, dest: Path, *, variant: str = "video",
                       on_progress: ProgressCallback | None = None) -> Path:
        """Stream a video's file to `dest` (a file, or a folder for `<id>.<ext>`) via a temp file + rename."""
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / default_filename(video_id, variant)
        dest.parent.mkdir(parents=True, exist_ok=True)
        request = self._http.build_request("GET", f"/api/videos/{video_id}/content",
                                           params={"variant": variant}, headers=self._headers())
        try:
            response = await self._http.send(request, stream=True, follow_redirects=True)
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, describe_transport_error(exc)) from None
        try:
            if not response.is_success:
                await response.aread()
                raise error_from_response(response)
            await stream_to_file(response, dest, on_progress)
        except httpx.TransportError as exc:
            reason = f"download interrupted ({describe_transport_error(exc)})"
            raise ServerUnreachable(self.base_url, reason) from None
        finally:
            await response.aclose()
        return dest

    async def download_url(self, path: str, dest: Path) -> Path:
        """Stream a signed URL from this server (a ZIP of videos) to `dest`."""
        try:
            async with self._http.stream("GET", path) as response:
                if not response.is_success:
                    await response.aread()
                    raise error_from_response(response)
                await stream_to_file(response, Path(dest), None)
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, describe_transport_error(exc)) from None
        return Path(dest)

    async def wait_for_video(self, video_id: str, *, timeout: float, on_update: UpdateCallback | None = None,
                             poll_interval: float = 1.0) -> dict:
        """Poll until the video is terminal (see `is_terminal`) or `timeout` seconds pass; the last record."""
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            video = await self.get_video(video_id)
            if on_update is not None:
                result = on_update(video)
                if asyncio.iscoroutine(result) or isinstance(result, Awaitable):
                    await result
            remaining = deadline - time.monotonic()
            if is_terminal(video) or remaining <= 0:
                return video
            await asyncio.sleep(min(poll_interval, remaining))
