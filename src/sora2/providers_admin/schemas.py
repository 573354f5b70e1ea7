"""The admin page's view of providers. API keys go in, never out: only `has_key` and the key's last characters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["gateway", "openrouter", "fal"]


class ProviderOptions(BaseModel):
    concurrency: int | None = Field(default=None, ge=1, le=256)
    # The provider deduplicates creates by Idempotency-Key (only if it really does: see docs/providers.md).
    idempotent_create: bool | None = None
    discover: bool | None = None  # gateways: read GET /v1/models
    remix: bool | None = None  # gateways: the upstream can remix (Sora)
    models: dict[str, dict[str, Any]] | None = None  # gateways: the model table (docs/providers.md)


class ProviderIn(BaseModel):
    id: str | None = Field(default=None, description="Provider id videos record; derived from the name if left out")
    kind: Kind
    name: str = Field(min_length=1, max_length=128)
    base_url: str | None = Field(default=None, max_length=512)
    api_key: str | None = Field(default=None, max_length=4096)
    enabled: bool = True
    options: ProviderOptions = Field(default_factory=ProviderOptions)


class ProviderPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    base_url: str | None = Field(default=None, max_length=512)
    api_key: str | None = Field(default=None, max_length=4096, description="Empty string removes the key")
    enabled: bool | None = None
    options: ProviderOptions | None = None


class CheckIn(BaseModel):
    """A configuration to try before saving it (or nothing: check the saved one)."""

    kind: Kind
    base_url: str | None = Field(default=None, max_length=512)
    api_key: str | None = Field(default=None, max_length=4096)
    options: ProviderOptions = Field(default_factory=ProviderOptions)


class CheckOut(BaseModel):
    ok: bool
    models: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    error: str | None = None


class ProviderEntry(BaseModel):
    id: str
    kind: str
    name: str
    source: Literal["environment", "database"]
    read_only: bool  # configured by environment variables: only enabling/disabling is possible here
    enabled: bool
    running: bool  # built and serving on this instance
    emulated: bool = False
    base_url: str | None = None
    has_key: bool = False
    key_hint: str | None = None  # the key's last four characters
    options: dict[str, Any] = {}
    models: list[str] = []
    warnings: list[str] = []
    error: str | None = None


class DefaultModel(BaseModel):
    provider: str
    model: str


class ProvidersAdminOut(BaseModel):
    providers: list[ProviderEntry]
    default: DefaultModel | None
    # Changes apply on every instance without a restart (within SORA2_PROVIDERS_RELOAD_SECONDS at most).
    restart_needed: bool = False
