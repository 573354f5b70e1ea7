"""Builds the configured providers from settings and resolves which one serves a model."""

from __future__ import annotations

import logging
from dataclasses import replace

import httpx

from sora2.config import Settings
from sora2.errors import BadRequest
from sora2.providers.base import ModelCapabilities, Provider, ProviderInfo
from sora2.providers.catalog import openai_video_models
from sora2.providers.openai_compat import OpenAICompatProvider

log = logging.getLogger(__name__)

EMULATOR_ID = "emulator"
OPENAI_ID = "openai"
OPENROUTER_ID = "openrouter"


class ProviderRegistry:
    def __init__(self, providers: list[Provider]) -> None:
        self._providers = {p.info.id: p for p in providers}

    def __contains__(self, provider_id: str) -> bool:
        return provider_id in self._providers

    @property
    def all(self) -> list[Provider]:
        return list(self._providers.values())

    @property
    def default(self) -> Provider | None:
        return next(iter(self._providers.values()), None)

    def get(self, provider_id: str) -> Provider:
        provider = self._providers.get(provider_id)
        if provider is None:
            raise BadRequest(f"Provider {provider_id!r} is not configured; available: {', '.join(self._providers)}",
                             code="unknown_provider")
        return provider

    def resolve(self, provider_id: str | None, model: str | None) -> tuple[Provider, ModelCapabilities]:
        """Pick the provider and model for a request: explicit provider, else the first one offering the model."""
        candidates = [self.get(provider_id)] if provider_id else self.all
        if not candidates:
            raise BadRequest("No video provider is configured", code="no_provider")
        if model is None:
            # A provider whose models are not discovered yet (OpenRouter offline at startup) offers none.
            provider = next((p for p in candidates if p.info.models), None)
            if provider is None:
                raise BadRequest("No models are available yet; try again shortly", code="no_models")
            return provider, provider.info.models[0]
        for provider in candidates:
            capabilities = provider.info.model(model)
            if capabilities:
                return provider, capabilities
        allowed = sorted({m.id for p in candidates for m in p.info.models})
        raise BadRequest(f"Unknown model {model!r}. Allowed: {', '.join(allowed)}", code="unknown_model")

    async def start(self) -> None:
        for provider in self._providers.values():
            start = getattr(provider, "start", None)
            if start is not None:
                await start()

    async def close(self) -> None:
        for provider in self._providers.values():
            await provider.close()


def _free(model: ModelCapabilities) -> ModelCapabilities:
    """A simulated render costs nothing: the emulator's models carry a price of $0, so every estimate says so."""
    return replace(model, price_per_second={size: 0.0 for size in model.price_per_second},
                   price_per_second_by_resolution={res: 0.0 for res in model.price_per_second_by_resolution})


def emulator_info(settings: Settings) -> ProviderInfo:
    return ProviderInfo(id=EMULATOR_ID, name="Built-in emulator (offline, simulated)",
                        models=tuple(_free(m) for m in openai_video_models(remix=True)), emulated=True,
                        concurrency=settings.emulator_concurrency, idempotent_create=True)


def build_openai_provider(settings: Settings) -> OpenAICompatProvider:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    base = (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/") + "/"
    client = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"},
                               timeout=httpx.Timeout(settings.openai_timeout_seconds, connect=10.0))
    info = ProviderInfo(id=OPENAI_ID, name="OpenAI-compatible /v1/videos",
                        models=openai_video_models(remix=settings.openai_supports_remix),
                        concurrency=settings.openai_concurrency,
                        idempotent_create=settings.openai_idempotent_create)
    return OpenAICompatProvider(info, client, timeout=settings.openai_timeout_seconds)


def build_emulator_provider(settings: Settings, emulator_asgi_app, api_key: str) -> OpenAICompatProvider:  # noqa: ANN001
    """The in-process emulator, reached through an ASGI transport: no socket, no port to know."""
    transport = httpx.ASGITransport(app=emulator_asgi_app)
    client = httpx.AsyncClient(transport=transport, base_url="http://emulator.internal/v1/",
                               headers={"Authorization": f"Bearer {api_key}"})
    return OpenAICompatProvider(emulator_info(settings), client, timeout=settings.emulator_timeout_seconds)


def build_openrouter_provider(settings: Settings, *, async_client: httpx.AsyncClient | None = None):  # noqa: ANN201
    """OpenRouter's /api/v1/videos through its official SDK; models come from discovery (see openrouter_models)."""
    from sora2.providers.openrouter import OpenRouterProvider

    return OpenRouterProvider.from_settings(settings, provider_id=OPENROUTER_ID, async_client=async_client)
