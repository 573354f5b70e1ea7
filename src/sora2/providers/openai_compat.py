"""Adapter for the OpenAI `/v1/videos` contract (legacy Sora, LiteLLM proxy, gateways, our emulator), over httpx."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import httpx

from sora2.providers.base import (
    AMBIGUOUS_HTTP_STATUSES, GenerationRequest, JobStatus, ProviderError, ProviderInfo, Variant,
)
from sora2.providers.gateway_errors import unwrap_gateway_message

log = logging.getLogger(__name__)

# Failures that happen before any byte of the request leaves: nothing can have been created.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Reconciliation reads the provider's job list back to a little before the create was sent (clock skew, and
# `created_at` in whole seconds), at most this many pages.
FIND_SLACK = timedelta(minutes=2)
FIND_MAX_PAGES = 10

_STATUS_MAP = {"queued": "queued", "in_progress": "in_progress", "processing": "in_progress",
               "completed": "completed", "failed": "failed", "cancelled": "cancelled", "expired": "expired"}


def _retry_after(response: httpx.Response) -> float | None:
    for header in ("retry-after-ms", "retry-after"):
        value = response.headers.get(header)
        if not value:
            continue
        try:
            seconds = float(value)
            return seconds / 1000 if header.endswith("ms") else seconds
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            return max(0.0, parsed.timestamp() - time.time()) if parsed else None
    return None


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return unwrap_gateway_message(str(error["message"]))
        if isinstance(error, str):
            return unwrap_gateway_message(error)
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            return unwrap_gateway_message(body["detail"])
    except ValueError:
        pass
    return f"provider answered HTTP {response.status_code}"


def raise_for_response(response: httpx.Response) -> None:
    code = response.status_code
    if code < 400:
        return
    message = _error_message(response)
    if code == 429:
        raise ProviderError("rate_limited", message, status_code=code, retry_after=_retry_after(response))
    if code in AMBIGUOUS_HTTP_STATUSES:
        raise ProviderError("network", message, status_code=code, retry_after=_retry_after(response))
    if code >= 500:
        raise ProviderError("transient", message, status_code=code, retry_after=_retry_after(response))
    if code == 404:
        raise ProviderError("not_found", message, status_code=code)
    if code == 410:
        raise ProviderError("expired", message, status_code=code)
    raise ProviderError("rejected", message, status_code=code)


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) else None


def parse_video(data: dict[str, Any], response: httpx.Response | None = None) -> JobStatus:
    status = _STATUS_MAP.get(str(data.get("status")), "in_progress")
    error = data.get("error") or {}
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    message = unwrap_gateway_message(message) if message else None
    hint = None
    if response is not None and response.headers.get("openai-poll-after-ms"):
        try:
            hint = float(response.headers["openai-poll-after-ms"]) / 1000
        except ValueError:
            hint = None
    return JobStatus(
        job_id=str(data["id"]), status=status, progress=int(data.get("progress") or 0),  # type: ignore[arg-type]
        error_message=message or (None if status != "failed" else "Video generation failed"),
        expires_at=_ts(data.get("expires_at")), poll_after_seconds=hint, took_at_most=_took_at_most(data),
    )


def _took_at_most(data: dict) -> float | None:
    """The provider's whole-second `created_at`/`completed_at` bound how long the job took: under their difference
    plus one second."""
    created, completed = data.get("created_at"), data.get("completed_at")
    if not isinstance(created, int | float) or not isinstance(completed, int | float) or completed < created:
        return None
    return float(completed - created) + 1.0


def _made_for(item: dict[str, Any], request: GenerationRequest) -> bool:
    """Whether a listed job was made from this request. Every field we sent must match where the provider shows
    it, and the prompt must be shown: without it two different videos could not be told apart."""
    if item.get("prompt") != request.prompt:
        return False
    if request.remix_of_job is not None:
        return item.get("remixed_from_video_id") in (None, request.remix_of_job)
    sent = {"model": request.model, "size": request.size, "seconds": request.seconds}
    return all(item.get(key) in (None, value) for key, value in sent.items())


class OpenAICompatProvider:
    def __init__(self, info: ProviderInfo, client: httpx.AsyncClient, *, timeout: float = 60.0) -> None:
        self.info = info
        self._client = client
        self._timeout = timeout

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            # An overall deadline as well: in-process transports ignore httpx's socket timeouts.
            async with asyncio.timeout(self._timeout):
                response = await self._client.request(method, url, **kwargs)
        except NOT_SENT as exc:
            raise ProviderError("unreachable", f"could not reach the provider ({type(exc).__name__})") from None
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise ProviderError("network", f"provider timed out ({type(exc).__name__})") from None
        except Exception as exc:  # noqa: BLE001  any other transport failure leaves the outcome unknown
            log.warning("provider %s %s %s failed: %s", self.info.id, method, url, type(exc).__name__)
            raise ProviderError("network", f"provider connection failed ({type(exc).__name__})") from None
        raise_for_response(response)
        return response

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise ProviderError("transient", "provider returned a non-JSON answer") from None
        if not isinstance(data, dict) or "id" not in data:
            raise ProviderError("transient", "provider returned an unexpected answer")
        return data

    async def create(self, request: GenerationRequest) -> JobStatus:
        # Always multipart, as the official SDK sends it; the image is already fitted to exactly `size`.
        parts: list[tuple[str, tuple[str | None, str | bytes, str | None]]] = [
            (name, (None, value, None)) for name, value in
            (("prompt", request.prompt), ("model", request.model), ("size", request.size),
             ("seconds", request.seconds))
        ]
        if request.image_jpeg:
            parts.append(("input_reference", ("reference.jpg", request.image_jpeg, "image/jpeg")))
        headers = {"Idempotency-Key": request.idempotency_key} if request.idempotency_key else {}
        response = await self._request("POST", "videos", files=parts, headers=headers)
        return parse_video(self._json(response), response)

    async def get(self, job_id: str) -> JobStatus:
        response = await self._request("GET", f"videos/{job_id}")
        return parse_video(self._json(response), response)

    async def download(self, job_id: str, variant: Variant, sink: IO[bytes]) -> None:
        try:
            async with asyncio.timeout(self._timeout * 5):
                async with self._client.stream("GET", f"videos/{job_id}/content", params={"variant": variant},
                                               headers={"Accept": "application/binary"}) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        raise_for_response(response)
                    async for chunk in response.aiter_bytes(1 << 16):
                        sink.write(chunk)
        except (TimeoutError, httpx.TimeoutException):
            raise ProviderError("network", "download timed out") from None
        except ProviderError:
            raise
        except Exception as exc:  # noqa: BLE001  a dropped stream: retry the download later
            raise ProviderError("network", f"download failed ({type(exc).__name__})") from None

    async def remix(self, job_id: str, prompt: str, idempotency_key: str | None) -> JobStatus:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        response = await self._request("POST", f"videos/{job_id}/remix", json={"prompt": prompt}, headers=headers)
        return parse_video(self._json(response), response)

    async def find(self, request: GenerationRequest, sent_after: datetime) -> list[JobStatus]:
        """Jobs in the provider's list (`GET /videos`, newest first) made since about `sent_after` for exactly
        this request (prompt, model, size, seconds, remix source), oldest first."""
        since, found, after = (sent_after - FIND_SLACK).timestamp(), [], None
        for _ in range(FIND_MAX_PAGES):
            params = {"limit": 100, "order": "desc"} | ({"after": after} if after else {})
            page = (await self._request("GET", "videos", params=params)).json()
            items = page.get("data") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise ProviderError("transient", "provider returned an unexpected job list")
            for item in items:
                created = item.get("created_at") if isinstance(item, dict) else None
                if isinstance(created, int | float) and created < since:
                    return list(reversed(found))
                if isinstance(item, dict) and _made_for(item, request):
                    found.append(parse_video(item))
            if not page.get("has_more") or not items:
                break
            after = items[-1].get("id")
        return list(reversed(found))

    async def delete(self, job_id: str) -> None:
        try:
            await self._request("DELETE", f"videos/{job_id}")
        except ProviderError as exc:
            if exc.kind != "not_found":
                raise

    async def close(self) -> None:
        await self._client.aclose()
