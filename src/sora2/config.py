"""Typed settings: environment (prefix SORA2_) and `.env`, validated once at startup."""

from __future__ import annotations

import socket
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sora2.auth.policy import KNOWN_DEFAULT_SECRETS, password_problem, secret_problem  # noqa: F401


class Settings(BaseSettings):
    # hide_input_in_errors: a refused secret or password must not be echoed into the log.
    model_config = SettingsConfigDict(env_prefix="SORA2_", env_file=".env", extra="ignore", hide_input_in_errors=True)

    # server
    host: str = "127.0.0.1"
    port: int = 3000
    data_dir: Path = Path("data")
    database_url: str | None = None
    instance_id: str | None = None
    log_level: str = "INFO"
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:5173", "http://127.0.0.1:5173"])
    public_url: str | None = None
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's forwarded_allow_ips): the client
    # address that sign-in throttling and the audit log use. Comma-separated addresses or networks; "*" trusts any.
    forwarded_allow_ips: str = "127.0.0.1"
    # Several instances behind one load balancer: committed changes fan out over Redis pub/sub so every instance's
    # Socket.IO clients and caches hear them (empty: one instance, the fan-out is not even loaded).
    redis_url: SecretStr | None = None
    redis_channel: str = "sora2:events"

    # MCP (streamable HTTP at /mcp): extra Host values it accepts besides localhost and public_url's host;
    # "*" turns the Host/Origin check off (only behind a proxy that sets Host itself).
    mcp_enabled: bool = True
    mcp_allowed_hosts: list[str] = Field(default_factory=list)
    # Let the HTTP MCP server fetch `image_url`s on private/loopback addresses (off: no server-side request forgery).
    mcp_allow_private_urls: bool = False

    # auth
    jwt_secret: SecretStr | None = None
    jwt_expires_seconds: int = 7 * 24 * 3600
    admin_username: str = "admin"
    admin_password: SecretStr | None = None
    # Sign-in throttling: failures count per (account, client address) and per address, in a window that starts
    # at the first failure. A pair is refused after login_max_failures; an address after login_address_max_failures.
    # Each further attempt from a pair that failed waits login_delay_seconds, doubled per failure (at most
    # login_delay_max_seconds) before its password is checked. The account itself is never locked.
    login_max_failures: int = 5
    login_address_max_failures: int = 20
    login_window_seconds: int = 300
    login_delay_seconds: float = 0.25
    login_delay_max_seconds: float = 4.0
    media_url_ttl_seconds: int = 3600
    # When set, GET /metrics requires `Authorization: Bearer <this token>`.
    metrics_token: SecretStr | None = None
    # Audit log entries older than this many days are deleted (0 keeps them for ever).
    audit_retention_days: int = 365
    list_cache_entries: int = 2048  # cached list pages per instance; 0 turns the cache off

    # request bodies: JSON anywhere (MCP's JSON-RPC may carry a base64 image, so it gets the upload size)
    max_json_bytes: int = 1024 * 1024

    # uploads
    max_upload_bytes: int = 10 * 1024 * 1024
    max_upload_files: int = 5

    # OpenAI-shaped provider (legacy Sora, LiteLLM proxy, gateways)
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_concurrency: int = 4
    openai_idempotent_create: bool = False
    openai_supports_remix: bool = True
    openai_timeout_seconds: float = 60.0

    # OpenRouter's video API (Veo, Kling, Seedance, Wan, Hailuo, … behind one key); on when the key is set
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    # The workspace's webhook signing secret; with an https public_url, jobs carry a callback_url.
    openrouter_webhook_secret: SecretStr | None = None
    openrouter_concurrency: int = 4
    openrouter_timeout_seconds: float = 60.0
    openrouter_models_refresh_seconds: float = 6 * 3600
    # How long a first start (no cached model list yet) waits for discovery before serving without models.
    openrouter_startup_timeout_seconds: float = 10.0
    # With webhooks on, polling is only the safety net: at most one poll per this many seconds per job.
    openrouter_webhook_poll_seconds: float = 90.0
    # Model id prefixes that continue a video natively (previous_job_id); others continue from the last frame.
    openrouter_extend_models: list[str] = Field(default_factory=lambda: ["google/veo-3.1"])

    # built-in emulator (used when no provider is configured)
    emulator_enabled: bool | None = None  # None: on when no provider is configured
    emulator_job_seconds: float = 8.0
    emulator_concurrency: int = 8
    emulator_fps: int = 24
    emulator_timeout_seconds: float = 30.0

    # tracker
    tracker_tick_seconds: float = 0.25
    tracker_batch_size: int = 100
    poll_min_seconds: float = 0.5
    poll_max_seconds: float = 120.0
    poll_idle_max_seconds: float = 60.0
    lease_seconds: float = 60.0
    download_retry_max_seconds: float = 300.0

    @field_validator("jwt_secret")
    @classmethod
    def _refuse_weak_secret(cls, value: SecretStr | None) -> SecretStr | None:
        problem = secret_problem(value.get_secret_value()) if value is not None else None
        if problem:
            raise ValueError(f"SORA2_JWT_SECRET {problem}; refusing to start. Generate one with "
                             "`openssl rand -hex 32`, or leave it unset to have one generated")
        return value

    @field_validator("admin_password")
    @classmethod
    def _refuse_weak_admin_password(cls, value: SecretStr | None) -> SecretStr | None:
        problem = password_problem(value.get_secret_value()) if value is not None else None
        if problem:
            raise ValueError(f"SORA2_ADMIN_PASSWORD {problem}; refusing to start (the rule every password follows)")
        return value

    @field_validator("metrics_token", "admin_password", "jwt_secret", mode="before")
    @classmethod
    def _empty_secret_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value else value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'sora2.db').resolve()}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def emulator_dir(self) -> Path:
        return self.data_dir / "emulator"

    @property
    def openai_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def openrouter_configured(self) -> bool:
        return self.openrouter_api_key is not None

    @property
    def openrouter_webhooks(self) -> bool:
        """Send callback_url: only to an https public URL, and only when deliveries can be verified."""
        return bool(self.openrouter_webhook_secret and self.public_url
                    and self.public_url.lower().startswith("https://"))

    @property
    def use_emulator(self) -> bool:
        if self.emulator_enabled is not None:
            return self.emulator_enabled
        return not (self.openai_configured or self.openrouter_configured)

    @property
    def resolved_instance_id(self) -> str:
        # Stable across restarts of the same server, so a restarted instance reclaims its own leases at once.
        return self.instance_id or f"{socket.gethostname()}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
