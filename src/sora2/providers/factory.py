"""Builds a provider from its spec (environment or database), each through its adapter's own client."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from pydantic import SecretStr

from sora2.config import Settings
from sora2.providers.base import Provider, ProviderInfo
from sora2.providers.gateway import GatewayProvider
from sora2.providers.gateway_models import load_table_file, parse_table
from sora2.providers.specs import DEFAULT_URLS, ENVIRONMENT, ProviderSpec


def _int(options: dict[str, Any], name: str, default: int) -> int:
    value = options.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def build_gateway(spec: ProviderSpec, settings: Settings) -> GatewayProvider:
    options = spec.options
    timeout = float(options.get("timeout_seconds") or settings.openai_timeout_seconds)
    base = (spec.base_url or DEFAULT_URLS["gateway"]).rstrip("/") + "/"
    client = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {spec.api_key or ''}"},
                               timeout=httpx.Timeout(timeout, connect=10.0))
    table = {**load_table_file(options.get("models_file")), **parse_table(options.get("models") or {})}
    info = ProviderInfo(id=spec.id, name=spec.name, models=(), concurrency=_int(options, "concurrency", 4),
                        idempotent_create=bool(options.get("idempotent_create")), request_timeout=timeout)
    return GatewayProvider(info, client, timeout=timeout, table=table, discover=options.get("discover", True),
                           remix=options.get("remix", True), refresh_seconds=settings.openai_models_refresh_seconds,
                           startup_timeout=min(10.0, timeout))


def build_openrouter(spec: ProviderSpec, settings: Settings) -> Provider:
    from sora2.providers.openrouter import OpenRouterProvider

    overrides: dict[str, Any] = {
        "openrouter_api_key": SecretStr(spec.api_key or ""),
        "openrouter_base_url": spec.base_url or DEFAULT_URLS["openrouter"],
        "openrouter_concurrency": _int(spec.options, "concurrency", settings.openrouter_concurrency)}
    if spec.source != ENVIRONMENT:
        overrides["openrouter_webhook_secret"] = None  # the webhook route verifies with the environment's secret
    provider = OpenRouterProvider.from_settings(settings.model_copy(update=overrides), provider_id=spec.id)
    provider.info = dataclasses.replace(provider.info, name=spec.name)
    return provider


def build_fal(spec: ProviderSpec, settings: Settings) -> Provider:
    from sora2.providers.fal import FalProvider

    return FalProvider.from_spec(spec, settings)


BUILDERS = {"gateway": build_gateway, "openrouter": build_openrouter, "fal": build_fal}


def build(spec: ProviderSpec, settings: Settings) -> Provider:
    return BUILDERS[spec.kind](spec, settings)
