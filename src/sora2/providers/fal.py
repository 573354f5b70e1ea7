"""Adapter for fal.ai's queue API through the official `fal-client` (AsyncClient).

submit → status (with logs, for progress) → result → download the output file; cancel where the job still runs;
extend through the model's extend endpoint. Images go inline as data URIs (fal accepts them for every image URL
input). With an https public URL each job carries a webhook URL (`?video=<our id>`), and polling is the safety
net. fal reports no per-request cost on its queue API, so `actual_cost` stays empty (the estimate is fal's list
price).

fal-client would send every call to https://queue.fal.run and retry failed calls on its own (up to ten times,
transport errors included). Its HTTP client is ours instead: a transport that sends queue calls to the configured
base URL (an emulator in tests) and turns a failure after a create may have arrived into an error fal-client does
not retry, because a blind retry could pay for a second video.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import fal_client
import httpx
from fal_client.client import USER_AGENT, Completed, FalClientHTTPError, InProgress, Queued

from sora2.config import Settings
from sora2.providers.base import (
    AMBIGUOUS_HTTP_STATUSES, GenerationRequest, JobStatus, ProviderError, ProviderInfo, Variant,
)
from sora2.providers.openai_compat import NOT_SENT
from sora2.providers.fal_models import BY_ID, CATALOGUE, FalModel, capabilities
from sora2.providers.gateway import CheckResult
from sora2.providers.specs import DEFAULT_URLS, ProviderSpec

log = logging.getLogger(__name__)
T = TypeVar("T")
FAL_QUEUE_HOST = httpx.URL(fal_client.client.QUEUE_URL_FORMAT).host
PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
CANCELLED_WORDS = ("cancel",)
_BODY_HEADERS = (b"content-encoding", b"content-length", b"transfer-encoding")


class AmbiguousSubmit(Exception):
    """A create failed after it may have reached fal (not an httpx error, so fal-client does not retry it)."""


class FalTransport(httpx.AsyncBaseTransport):
    def __init__(self, queue_url: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.base = httpx.URL(queue_url.rstrip("/") + "/")
        self.inner = inner or httpx.AsyncHTTPTransport()

    def _target(self, request: httpx.Request) -> None:
        if request.url.host == FAL_QUEUE_HOST and self.base.host != FAL_QUEUE_HOST:
            path = self.base.path.rstrip("/") + request.url.path
            request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port,
                                                path=path)
            request.headers["host"] = request.url.netloc.decode()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._target(request)
        try:
            response = await self.inner.handle_async_request(request)
            if request.method == "POST":  # a create's answer is small: read it here, where a drop is caught
                body = await response.aread()  # decoded: the rebuilt answer must not claim an encoding
                await response.aclose()
                headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _BODY_HEADERS]
                return httpx.Response(response.status_code, headers=headers, content=body, request=request,
                                      extensions=response.extensions)
            return response
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise  # nothing was sent: retrying is safe
        except httpx.TransportError as exc:
            if request.method == "POST":
                raise AmbiguousSubmit(type(exc).__name__) from exc
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass(unsafe_hash=True)
class SdkClient(fal_client.AsyncClient):
    """fal-client's AsyncClient on our HTTP client (see the module docstring)."""

    http: httpx.AsyncClient | None = field(default=None, repr=False, compare=False, hash=False)

    @property
    def _client(self) -> Awaitable[httpx.AsyncClient]:  # type: ignore[override]
        async def client() -> httpx.AsyncClient:
            assert self.http is not None
            return self.http
        return client()


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def split_job(job_id: str) -> tuple[str, str]:
    """"fal-ai/veo3.1/<request id>" → ("fal-ai/veo3.1", request id): status and result URLs use owner/alias."""
    app, _, request_id = job_id.rpartition("/")
    if not app or not request_id:
        raise ProviderError("not_found", f"not a fal job id: {job_id!r}")
    return app, request_id


def _app(endpoint: str) -> str:
    return "/".join(endpoint.split("/")[:2])


def _detail(exc: FalClientHTTPError) -> str:
    message = exc.message
    if isinstance(message, list):  # a 422's pydantic errors
        parts = [f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" if isinstance(e, dict) else str(e)
                 for e in message]
        return "; ".join(parts) or "invalid input"
    return str(message) if message else f"fal answered HTTP {exc.status_code}"


def map_error(exc: FalClientHTTPError) -> ProviderError:
    code, message = exc.status_code, _detail(exc)
    if code == 429:
        retry = exc.response_headers.get("retry-after")
        return ProviderError("rate_limited", f"fal rate limit: {message}", status_code=code,
                             retry_after=float(retry) if retry and retry.isdigit() else None)
    if code in AMBIGUOUS_HTTP_STATUSES:  # a gateway timeout: the request may exist
        return ProviderError("network", f"fal did not answer in time (HTTP {code}): {message}", status_code=code)
    if code >= 500:
        return ProviderError("transient", f"fal is unavailable (HTTP {code}): {message}", status_code=code)
    if code in (401, 403):
        return ProviderError("rejected", f"fal refused the API key (HTTP {code}): {message}", status_code=code)
    if code == 404:
        return ProviderError("not_found", f"fal does not know this request: {message}", status_code=code)
    if code == 410:
        return ProviderError("expired", f"fal no longer has this output: {message}", status_code=code)
    return ProviderError("rejected", f"fal rejected the request: {message}", status_code=code)


def progress_of(logs: list[dict[str, Any]] | None) -> int:
    """The last percentage a model's logs mention (many fal apps log "42%"), else 0."""
    for entry in reversed(logs or []):
        match = PERCENT.search(str(entry.get("message", "")) if isinstance(entry, dict) else str(entry))
        if match:
            return max(0, min(99, int(float(match.group(1)))))
    return 0


class FalProvider:
    def __init__(self, info: ProviderInfo, sdk: SdkClient, download_client: httpx.AsyncClient, *,
                 timeout: float = 60.0, webhook_base: str | None = None,
                 webhook_poll_seconds: float | None = None) -> None:
        self.info = info
        self.sdk = sdk
        self.downloads = download_client
        self.webhook_base = webhook_base
        self._timeout = timeout
        self._poll_floor = webhook_poll_seconds if webhook_base else None

    @classmethod
    def from_spec(cls, spec: ProviderSpec, settings: Settings,
                  transport: httpx.AsyncBaseTransport | None = None) -> "FalProvider":
        timeout = float(spec.options.get("timeout_seconds") or settings.fal_timeout_seconds)
        http = httpx.AsyncClient(transport=FalTransport(spec.base_url or DEFAULT_URLS["fal"], transport),
                                 headers={"Authorization": f"Key {spec.api_key or ''}", "User-Agent": USER_AGENT},
                                 timeout=httpx.Timeout(timeout, connect=10.0))
        sdk = SdkClient(key=spec.api_key or "", default_timeout=timeout, http=http)
        downloads = httpx.AsyncClient(transport=transport, follow_redirects=True,
                                      timeout=httpx.Timeout(timeout, connect=10.0))
        concurrency = spec.options.get("concurrency")
        info = ProviderInfo(id=spec.id, name=spec.name, models=tuple(capabilities(m) for m in CATALOGUE),
                            concurrency=concurrency if isinstance(concurrency, int) else settings.fal_concurrency,
                            request_timeout=timeout)
        webhook = (settings.public_url.rstrip("/") + "/api/webhooks/fal"
                   if settings.fal_webhooks and settings.public_url else None)
        return cls(info, sdk, downloads, timeout=timeout, webhook_base=webhook,
                   webhook_poll_seconds=settings.fal_webhook_poll_seconds)

    async def _call(self, call: Callable[[], Awaitable[T]], deadline: float | None = None) -> T:
        try:
            # An overall deadline too: fal-client retries rate limits and resets on its own.
            async with asyncio.timeout(deadline or self._timeout):
                return await call()
        except FalClientHTTPError as exc:
            raise map_error(exc) from None
        except NOT_SENT as exc:
            raise ProviderError("unreachable", f"could not reach fal ({type(exc).__name__})") from None
        except (AmbiguousSubmit, TimeoutError, httpx.TimeoutException) as exc:
            raise ProviderError("network", f"fal did not answer ({type(exc).__name__})") from None
        except (httpx.HTTPError, OSError) as exc:
            raise ProviderError("network", f"fal connection failed ({type(exc).__name__})") from None

    # --- create -----------------------------------------------------------------------------------------

    def _model(self, model_id: str) -> FalModel:
        model = BY_ID.get(model_id)
        if model is None:
            raise ProviderError("rejected", f"fal model {model_id!r} is not in our catalogue")
        return model

    async def _video_url(self, job_id: str) -> str:
        app, request_id = split_job(job_id)
        result = await self._call(lambda: self.sdk.result(app, request_id))
        url = (result.get("video") or {}).get("url") if isinstance(result, dict) else None
        if not url:
            raise ProviderError("expired", "fal no longer has the video to extend")
        return url

    async def arguments(self, model: FalModel, request: GenerationRequest) -> tuple[str, dict[str, Any]]:
        """The endpoint and the input fal's model page documents for this request."""
        args: dict[str, Any] = {"prompt": request.prompt, "duration": request.seconds + model.duration_suffix}
        optional = {"aspect_ratio": request.aspect_ratio if len(model.aspect_ratios) > 1 else None,
                    "resolution": request.resolution if len(model.resolutions) > 1 else None,
                    "generate_audio": request.generate_audio if model.audio_toggle else None,
                    "seed": request.seed if model.seed else None,
                    "negative_prompt": request.negative_prompt if model.negative_prompt else None}
        args.update({k: v for k, v in optional.items() if v is not None})
        first, last = request.image_jpeg, request.last_frame_jpeg
        if request.previous_job_id and model.extend_endpoint:
            args.pop("duration")  # an extension's length is the model's own (Veo: 7 s more)
            args["video_url"] = await self._video_url(request.previous_job_id)
            return model.extend_endpoint, args
        if first and last and model.frames_endpoint:
            args.update(first_frame_url=_data_uri(first), last_frame_url=_data_uri(last))
            return model.frames_endpoint, args
        if first and model.image_endpoint:
            args[model.image_field] = _data_uri(first)
            if last and model.end_field:
                args[model.end_field] = _data_uri(last)
            return model.image_endpoint, args
        return model.id, args

    def _webhook_url(self, request: GenerationRequest) -> str | None:
        if not self.webhook_base:
            return None
        return self.webhook_base + (f"?video={request.video_id}" if request.video_id else "")

    async def create(self, request: GenerationRequest) -> JobStatus:
        endpoint, args = await self.arguments(self._model(request.model), request)
        webhook = self._webhook_url(request)
        handle = await self._call(lambda: self.sdk.submit(endpoint, args, webhook_url=webhook))
        return JobStatus(job_id=f"{_app(endpoint)}/{handle.request_id}", status="queued",
                         poll_after_seconds=self._poll_floor)

    # --- status, result, cancel -------------------------------------------------------------------------

    async def get(self, job_id: str) -> JobStatus:
        app, request_id = split_job(job_id)
        status = await self._call(lambda: self.sdk.status(app, request_id, with_logs=True))
        if isinstance(status, Queued):
            return JobStatus(job_id=job_id, status="queued", poll_after_seconds=self._poll_floor,
                             metadata={"queue_position": status.position})
        if isinstance(status, InProgress):
            return JobStatus(job_id=job_id, status="in_progress", progress=progress_of(status.logs),
                             poll_after_seconds=self._poll_floor)
        assert isinstance(status, Completed)
        if status.error:
            cancelled = any(w in f"{status.error} {status.error_type or ''}".lower() for w in CANCELLED_WORDS)
            return JobStatus(job_id=job_id, status="cancelled" if cancelled else "failed",
                             error_message=f"fal: {status.error}")
        inference = (status.metrics or {}).get("inference_time")
        return JobStatus(job_id=job_id, status="completed", progress=100,
                         took_at_most=float(inference) + 1.0 if isinstance(inference, int | float) else None)

    async def download(self, job_id: str, variant: Variant, sink: IO[bytes]) -> None:
        if variant != "video":
            raise ProviderError("not_found", f"fal has no {variant} for its videos")
        url = await self._video_url(job_id)
        try:
            # The output file is public (a CDN URL): fetched without our key, which must not go to other hosts.
            async with asyncio.timeout(self._timeout * 5), self.downloads.stream("GET", url) as response:
                if response.status_code in (403, 404, 410):
                    raise ProviderError("expired", f"fal's output file is gone (HTTP {response.status_code})")
                if response.status_code >= 400:
                    raise ProviderError("transient", f"fal's file host answered HTTP {response.status_code}")
                async for chunk in response.aiter_bytes(1 << 16):
                    sink.write(chunk)
        except (TimeoutError, httpx.TimeoutException):
            raise ProviderError("network", "download timed out") from None
        except httpx.HTTPError as exc:
            raise ProviderError("network", f"download failed ({type(exc).__name__})") from None

    async def cancel(self, job_id: str) -> None:
        """fal cancels a queued or running request; a finished one answers 400, which means it is too late."""
        app, request_id = split_job(job_id)
        try:
            await self._call(lambda: self.sdk.cancel(app, request_id))
        except ProviderError as exc:
            if exc.status_code == 400:
                raise ProviderError("rejected", "fal has already finished this request; it can no longer be "
                                                "cancelled", status_code=400) from None
            raise

    async def remix(self, job_id: str, prompt: str, idempotency_key: str | None) -> JobStatus:
        raise ProviderError("rejected", "fal's video models cannot remix; continue a video instead")

    async def delete(self, job_id: str) -> None:
        """fal keeps outputs for at least seven days and then deletes them on its own."""

    async def check(self) -> CheckResult:
        """A status call for a request that does not exist: 404 means the key was accepted, 401 that it was not.
        It costs nothing, unlike a submit."""
        probe = str(uuid.UUID(int=0))
        try:
            await self._call(lambda: self.sdk.status(CATALOGUE[0].id, probe))
        except ProviderError as exc:
            if exc.kind != "not_found":
                raise
        return CheckResult(tuple(m.id for m in self.info.models),
                           notes=("fal's catalogue is built in (docs/providers.md); the key was accepted",))

    async def close(self) -> None:
        if self.sdk.http is not None:
            await self.sdk.http.aclose()
        await self.downloads.aclose()
