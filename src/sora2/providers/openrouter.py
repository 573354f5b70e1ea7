"""Adapter for OpenRouter's video API (`/api/v1/videos`) through the official `openrouter` SDK's async methods.

Submit (202 + polling URL), poll, download the content; models and their capabilities come from discovery
(`/videos/models`, cached on disk, refreshed in the background). No remix, no thumbnails: the tracker makes
thumbnails and sprite sheets locally. With webhooks on, each job carries a callback_url and polling is only the
safety net.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import urllib.parse
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import IO, Any, TypeVar

import httpx
import pydantic
from openrouter import OpenRouter, errors
from openrouter.utils import BackoffStrategy, RetryConfig

from sora2.config import Settings
from sora2.providers.base import (
    AMBIGUOUS_HTTP_STATUSES, GenerationRequest, JobStatus, ProviderError, ProviderInfo, Variant,
)
from sora2.providers.openai_compat import NOT_SENT, _retry_after
from sora2.providers.openrouter_models import (
    EXTEND_MODEL_PREFIXES, ListingCache, models_from_listing, negative_prompt_parameter,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUS_MAP = {"pending": "queued", "in_progress": "in_progress", "completed": "completed", "failed": "failed",
              "cancelled": "cancelled", "expired": "expired"}
TERMINAL_WORDS = {"failed": "Video generation failed", "cancelled": "OpenRouter cancelled this job",
                  "expired": "OpenRouter expired this job before it finished"}
# Provider options are keyed by upstream slug and only the matched upstream's are forwarded ("the rest are
# ignored"), so a negative prompt goes to every upstream that serves video models.
PASSTHROUGH_SLUGS = ("google-vertex", "google-ai-studio", "alibaba", "byteplus", "minimax")
# Paid creates must never be retried blindly, and the tracker owns every other retry: the SDK retries nothing.
NO_RETRIES = RetryConfig("none", BackoffStrategy(500, 500, 1.0, 0), False)
FIRST_RETRY_SECONDS = 30.0


def _message(exc: errors.OpenRouterError) -> str:
    data = getattr(exc, "data", None)
    error = getattr(data, "error", None)
    message = getattr(error, "message", None)
    return str(message) if message else f"OpenRouter answered HTTP {exc.status_code}"


def map_sdk_error(exc: errors.OpenRouterError) -> ProviderError:
    """An SDK error (an HTTP answer) as a ProviderError whose kind tells the tracker what to do."""
    code, message = exc.status_code, _message(exc)
    if code < 400:  # a 2xx the SDK could not parse (ResponseValidationError) or did not expect
        return ProviderError("transient", f"OpenRouter returned an unexpected answer (HTTP {code})")
    if code == 402:
        return ProviderError("rejected", f"OpenRouter account is out of credits: {message}", status_code=code)
    if code == 429:
        return ProviderError("rate_limited", f"OpenRouter rate limit: {message}", status_code=code,
                             retry_after=_retry_after(exc.raw_response))
    if code in AMBIGUOUS_HTTP_STATUSES:  # a gateway timeout: the job may exist
        return ProviderError("network", f"OpenRouter did not answer in time (HTTP {code}): {message}",
                             status_code=code, retry_after=_retry_after(exc.raw_response))
    if code >= 500:
        return ProviderError("transient", f"OpenRouter is unavailable (HTTP {code}): {message}", status_code=code,
                             retry_after=_retry_after(exc.raw_response))
    if code in (401, 403):
        return ProviderError("rejected", f"OpenRouter refused the API key (HTTP {code}): {message}",
                             status_code=code)
    if code == 404:
        return ProviderError("not_found", f"OpenRouter does not know this job: {message}", status_code=code)
    if code == 410:
        return ProviderError("expired", f"OpenRouter no longer has this video: {message}", status_code=code)
    if code == 413:
        return ProviderError("rejected", f"The request is too large for OpenRouter (at most 50 MiB): {message}",
                             status_code=code)
    return ProviderError("rejected", f"OpenRouter rejected the request: {message}", status_code=code)


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def _frame(jpeg: bytes, frame_type: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": _data_url(jpeg)}, "frame_type": frame_type}


class OpenRouterProvider:
    def __init__(self, info: ProviderInfo, sdk: OpenRouter, cache: ListingCache, *, timeout: float = 60.0,
                 callback_url: str | None = None, webhook_poll_seconds: float | None = None,
                 refresh_seconds: float = 6 * 3600, startup_timeout: float = 10.0,
                 extend_prefixes: tuple[str, ...] = EXTEND_MODEL_PREFIXES,
                 first_retry_seconds: float = FIRST_RETRY_SECONDS) -> None:
        self.info = info
        self.sdk = sdk
        self.cache = cache
        self.callback_url = callback_url
        self._timeout = timeout
        self._poll_floor = webhook_poll_seconds if callback_url else None
        self._refresh_seconds = refresh_seconds
        self._startup_timeout = startup_timeout
        self._extend_prefixes = extend_prefixes
        self._first_retry = first_retry_seconds
        self._negative_names: dict[str, str] = {}
        self._refresher: asyncio.Task | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, provider_id: str,
                      async_client: httpx.AsyncClient | None = None) -> "OpenRouterProvider":
        key = settings.openrouter_api_key.get_secret_value() if settings.openrouter_api_key else ""
        client = async_client or httpx.AsyncClient(
            follow_redirects=True, timeout=httpx.Timeout(settings.openrouter_timeout_seconds, connect=10.0))
        sdk = OpenRouter(api_key=key, server_url=settings.openrouter_base_url.rstrip("/"), async_client=client,
                         retry_config=NO_RETRIES, timeout_ms=int(settings.openrouter_timeout_seconds * 1000),
                         x_open_router_title="Sora2 Platform", http_referer=settings.public_url)
        callback = (settings.public_url.rstrip("/") + "/api/webhooks/openrouter"
                    if settings.openrouter_webhooks and settings.public_url else None)
        info = ProviderInfo(id=provider_id, name="OpenRouter", models=(), concurrency=settings.openrouter_concurrency,
                            idempotent_create=False, request_timeout=settings.openrouter_timeout_seconds)
        return cls(info, sdk, ListingCache(settings.data_dir / "providers" / f"{provider_id}-models.json"),
                   timeout=settings.openrouter_timeout_seconds, callback_url=callback,
                   webhook_poll_seconds=settings.openrouter_webhook_poll_seconds,
                   refresh_seconds=settings.openrouter_models_refresh_seconds,
                   startup_timeout=settings.openrouter_startup_timeout_seconds,
                   extend_prefixes=tuple(settings.openrouter_extend_models))

    # --- SDK calls -----------------------------------------------------------------------------------------

    async def _call(self, call: Callable[[], Awaitable[T]], deadline: float | None = None) -> T:
        try:
            # An overall deadline as well: in-process transports ignore httpx's socket timeouts.
            async with asyncio.timeout(deadline or self._timeout):
                return await call()
        except errors.OpenRouterError as exc:
            raise map_sdk_error(exc) from None
        except NOT_SENT as exc:
            raise ProviderError("unreachable", f"could not reach OpenRouter ({type(exc).__name__})") from None
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise ProviderError("network", f"OpenRouter timed out ({type(exc).__name__})") from None
        except (httpx.HTTPError, errors.NoResponseError, OSError) as exc:
            log.warning("OpenRouter call failed: %s", type(exc).__name__)
            raise ProviderError("network", f"OpenRouter connection failed ({type(exc).__name__})") from None
        except pydantic.ValidationError as exc:  # our request did not fit the SDK's types: nothing was sent
            raise ProviderError("rejected", f"Invalid request for OpenRouter: {exc.errors()[0]['msg']}") from None

    def _status(self, response: Any) -> JobStatus:
        status = STATUS_MAP.get(str(response.status), "in_progress")
        usage = getattr(response, "usage", None)
        cost = getattr(usage, "cost", None)
        expires = response.expires_at if isinstance(response.expires_at, int) else None
        error = response.error if isinstance(response.error, str) and response.error else None
        if status in TERMINAL_WORDS:
            error = TERMINAL_WORDS[status] + (f": {error}" if error else "")
        return JobStatus(
            job_id=response.id, status=status, progress=100 if status == "completed" else 0,  # type: ignore[arg-type]
            error_message=error,
            expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
            poll_after_seconds=self._poll_floor, actual_cost=float(cost) if isinstance(cost, int | float) else None,
            metadata={"generation_id": response.generation_id} if response.generation_id else {},
        )

    def _create_arguments(self, request: GenerationRequest) -> dict[str, Any]:
        arguments: dict[str, Any] = {"model": request.model, "prompt": request.prompt,
                                     "duration": int(request.seconds)}
        if request.aspect_ratio:
            arguments["aspect_ratio"] = request.aspect_ratio
            if request.resolution:
                arguments["resolution"] = request.resolution
        else:
            arguments["size"] = request.size
        frames = [_frame(jpeg, kind) for jpeg, kind in ((request.image_jpeg, "first_frame"),
                                                         (request.last_frame_jpeg, "last_frame")) if jpeg]
        optional = {"frame_images": frames or None, "generate_audio": request.generate_audio,
                    "seed": request.seed, "previous_job_id": request.previous_job_id,
                    "callback_url": self._callback_for(request.video_id)}
        arguments.update({k: v for k, v in optional.items() if v is not None})
        if request.negative_prompt:
            name = self._negative_names.get(request.model, "negative_prompt")
            options = {slug: {"parameters": {name: request.negative_prompt}} for slug in PASSTHROUGH_SLUGS}
            arguments["provider"] = {"options": options}
        return arguments

    def _callback_for(self, video_id: str | None) -> str | None:
        """The callback carries our video id: if the create's answer is lost, the job's webhook still finds its
        video (see webhooks.service)."""
        if self.callback_url is None or video_id is None:
            return self.callback_url
        return f"{self.callback_url}?{urllib.parse.urlencode({'video': video_id})}"

    async def create(self, request: GenerationRequest) -> JobStatus:
        arguments = self._create_arguments(request)
        response = await self._call(lambda: self.sdk.video_generation.generate_async(**arguments))
        return self._status(response)

    async def get(self, job_id: str) -> JobStatus:
        response = await self._call(lambda: self.sdk.video_generation.get_generation_async(job_id=job_id))
        return self._status(response)

    async def download(self, job_id: str, variant: Variant, sink: IO[bytes]) -> None:
        if variant != "video":
            raise ProviderError("not_found", f"OpenRouter has no {variant} for its videos")
        response = await self._call(
            lambda: self.sdk.video_generation.get_video_content_async(job_id=job_id, index=0))
        try:
            async with asyncio.timeout(self._timeout * 5):
                async for chunk in response.aiter_bytes(1 << 16):
                    sink.write(chunk)
        except (TimeoutError, httpx.TimeoutException):
            raise ProviderError("network", "download timed out") from None
        except (httpx.HTTPError, OSError) as exc:  # a dropped stream: retry the download later
            raise ProviderError("network", f"download failed ({type(exc).__name__})") from None
        finally:
            await response.aclose()

    async def remix(self, job_id: str, prompt: str, idempotency_key: str | None) -> JobStatus:
        raise ProviderError("rejected", "OpenRouter cannot remix videos; continue one instead")

    async def delete(self, job_id: str) -> None:
        """OpenRouter has no delete: its outputs expire on their own (see expires_at)."""

    # --- model discovery -----------------------------------------------------------------------------------

    def _apply_listing(self, listing: list[dict[str, Any]]) -> None:
        models = models_from_listing(listing, self._extend_prefixes)
        self._negative_names = {str(m["id"]): name for m in listing
                                if isinstance(m, dict) and (name := negative_prompt_parameter(m))}
        self.info = dataclasses.replace(self.info, models=models)

    async def refresh_models(self) -> int:
        """Fetch the listing, apply it, keep it on disk; returns the number of models offered."""
        response = await self._call(lambda: self.sdk.video_generation.list_videos_models_async())
        listing = [m.model_dump(mode="json", by_alias=True) for m in response.data]
        self._apply_listing(listing)
        await asyncio.to_thread(self.cache.save, listing)
        return len(self.info.models)

    async def start(self) -> None:
        cached = await asyncio.to_thread(self.cache.load)
        if cached is not None:
            self._apply_listing(cached)  # serve at once; refresh in the background
            self._refresher = asyncio.create_task(self._refresh_loop(0.0), name="sora2-openrouter-models")
            return
        delay = self._refresh_seconds
        try:
            async with asyncio.timeout(self._startup_timeout):
                count = await self.refresh_models()
            log.info("OpenRouter: %d video models discovered", count)
        except (ProviderError, TimeoutError) as exc:
            log.warning("OpenRouter model discovery failed (%s); no models until it succeeds, retrying in the "
                        "background", getattr(exc, "message", type(exc).__name__))
            delay = self._first_retry
        self._refresher = asyncio.create_task(self._refresh_loop(delay), name="sora2-openrouter-models")

    async def _refresh_loop(self, delay: float) -> None:
        failures = 0
        while True:
            await asyncio.sleep(delay)
            try:
                await self.refresh_models()
                failures, delay = 0, self._refresh_seconds
            except Exception as exc:  # noqa: BLE001  the loop must outlive a bad answer or a full disk
                failures += 1
                delay = min(self._refresh_seconds, self._first_retry * 2 ** (failures - 1))
                log.warning("OpenRouter model refresh failed (%s); next try in %.0f s",
                            getattr(exc, "message", type(exc).__name__), delay)

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)
        client = self.sdk.sdk_configuration.async_client
        if client is not None:
            await client.aclose()
