"""What a provider is built from: a spec, whether it came from environment variables or from the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sora2.config import Settings

KINDS = ("gateway", "openrouter", "fal")
KIND_NAMES = {"gateway": "OpenAI-compatible gateway", "openrouter": "OpenRouter", "fal": "fal.ai",
              "emulator": "Built-in emulator"}
DEFAULT_URLS = {"gateway": "https://api.openai.com/v1", "openrouter": "https://openrouter.ai/api/v1",
                "fal": "https://queue.fal.run"}
ENVIRONMENT, DATABASE = "environment", "database"
# Ids that environment providers use; runtime-configured providers pick others.
RESERVED_IDS = ("emulator", "openai", "openrouter", "fal")


@dataclass(frozen=True)
class ProviderSpec:
    id: str
    kind: str  # gateway | openrouter | fal | emulator
    name: str
    source: str  # environment | database
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    options: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    def fingerprint(self) -> str:
        """Changes when anything the built provider depends on changes (enabling does not rebuild it)."""
        payload = json.dumps([self.kind, self.name, self.base_url, self.api_key, self.options], sort_keys=True,
                             default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def env_specs(settings: Settings) -> list[ProviderSpec]:
    """The providers environment variables configure (read-only in the admin page)."""
    specs = []
    if settings.openai_configured:
        specs.append(ProviderSpec(
            id="openai", kind="gateway", name="OpenAI-compatible gateway", source=ENVIRONMENT,
            base_url=settings.openai_base_url or DEFAULT_URLS["gateway"], api_key=_secret(settings.openai_api_key),
            options={"concurrency": settings.openai_concurrency,
                     "idempotent_create": settings.openai_idempotent_create,
                     "remix": settings.openai_supports_remix, "discover": settings.openai_discover_models,
                     "models": settings.openai_models, "models_file": settings.openai_models_file,
                     "timeout_seconds": settings.openai_timeout_seconds}))
    if settings.openrouter_configured:
        specs.append(ProviderSpec(id="openrouter", kind="openrouter", name="OpenRouter", source=ENVIRONMENT,
                                  base_url=settings.openrouter_base_url,
                                  api_key=_secret(settings.openrouter_api_key),
                                  options={"concurrency": settings.openrouter_concurrency}))
    if settings.fal_configured:
        specs.append(ProviderSpec(id="fal", kind="fal", name="fal.ai", source=ENVIRONMENT,
                                  base_url=settings.fal_queue_url, api_key=_secret(settings.fal_key),
                                  options={"concurrency": settings.fal_concurrency}))
    return specs
