"""Typed settings: environment (prefix SORA2_) and `.env`, validated once at startup."""

from __future__ import annotations

import socket
from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    # Database connections kept open per instance; in a burst SQLite may open half as many more, PostgreSQL twice
    # as many more (so instances × 3 × this must stay below its max_connections).
    db_pool_size: int = Field(default=10, ge=1, le=200)
    instance_id: str | None = None
    log_level: str = "INFO"
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:5173", "http://127.0.0.1:5173"])
    public_url: str | None = None
    # Several instances behind one load balancer: committed changes fan out over Redis pub/sub so every instance's
    # Socket.IO clients and caches hear them (empty: one instance, the fan-out is not even loaded).
    redis_url: SecretStr | None = None
    redis_channel: str = "sora2:events"
    # Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (comma-separated addresses or networks,
    # "*" for any), as uvicorn's --forwarded-allow-ips; requests from anyone else keep their own values. The client
    # address that sign-in throttling and the audit log use comes from here.
    forwarded_allow_ips: str = "127.0.0.1,::1"

    # Media storage: empty → the folder SORA2_DATA_DIR/media; s3://bucket/prefix → an S3-compatible store whose
    # credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the rest of the usual AWS chain.
    storage_url: str | None = None
    s3_endpoint_url: str | None = None  # for stores other than AWS (R2, MinIO, Ceph …)
    s3_region: str | None = None
    s3_public_endpoint_url: str | None = None  # where browsers reach the store, when not at s3_endpoint_url
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"  # auto: path style with an endpoint URL
    # redirect: media routes answer 307 to a presigned URL (the store sends the bytes); proxy: this server
    # streams them (with Range), for stores that browsers cannot reach.
    s3_delivery: Literal["redirect", "proxy"] = "redirect"
    s3_presign_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    # Behind nginx, with a local store: after authorising a media request the app answers with
    # `X-Accel-Redirect: <this prefix><key>` and nginx sends the file from an `internal` location that maps the
    # prefix onto the media folder (docs/deployment.md). Empty: the app sends the bytes itself.
    media_accel_redirect: str = Field(default="", pattern=r"^(/[A-Za-z0-9_.~-]+)*/$|^$")
    # With it: how long nginx may reuse the authorisation of a token's media request for the same URL and token
    # (a player's seeks). 0: the app authorises every one, so signing out or a revoked token ends playback at once.
    media_token_grant_seconds: int = Field(default=0, ge=0, le=10)

    # MCP (streamable HTTP at /mcp): extra Host values it accepts besides localhost and public_url's host;
    # "*" turns the Host/Origin check off (only behind a proxy that sets Host itself).
    mcp_enabled: bool = True
    # Stateless: every request stands alone, so consecutive requests may reach different instances. Sessions
    # (off) keep an Mcp-Session-Id in one process's memory and need a sticky balancer.
    mcp_stateless: bool = True
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
    # Public share links, per client address and instance: pages and records, and media requests (ranges).
    share_requests_per_minute: int = 60
    share_media_requests_per_minute: int = 1200

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
    # Read the gateway's model list (GET /v1/models) instead of offering only sora-2 and sora-2-pro.
    openai_discover_models: bool = True
    # The operator's model table: capabilities of the gateway's models by id (JSON file, or JSON in the variable).
    openai_models_file: Path | None = None
    openai_models: dict = Field(default_factory=dict)
    openai_models_refresh_seconds: float = 3600.0

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

    # fal.ai's queue API (Veo 3.1, Kling, Seedance, Wan, MiniMax, ...) through fal-client; on when the key is set
    fal_key: SecretStr | None = None
    fal_queue_url: str = "https://queue.fal.run"
    # Webhook signatures are checked against this JWKS key set (ED25519).
    fal_jwks_url: str = "https://rest.alpha.fal.ai/.well-known/jwks.json"
    fal_concurrency: int = 4
    fal_timeout_seconds: float = 60.0
    # With webhooks on (an https public_url), polling is only the safety net: at most one poll per this many seconds.
    fal_webhook_poll_seconds: float = 90.0

    # Providers configured at runtime (admin page, `sora2 providers`): their API keys are encrypted with a key
    # derived from this secret (empty: data/provider-secret, generated on first use). Instances sharing a database
    # must share it.
    provider_secret: SecretStr | None = None
    # How often each instance checks the database for provider changes (Redis fan-out tells it at once).
    providers_reload_seconds: float = 15.0

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
    # A step's lease, renewed every third of it while the step runs: a dead instance's jobs move on this soon.
    lease_seconds: float = 10.0
    download_retry_max_seconds: float = 300.0

    # outbound webhooks (users' and admins' endpoints hearing video.completed / failed / cancelled)
    # Private, loopback and link-local addresses (and plain http to them) are refused unless this is on.
    webhooks_allow_private_urls: bool = False
    # Seconds to wait before each retry after the first attempt (Standard Webhooks' schedule: about a day).
    webhooks_retry_schedule: list[float] = Field(
        default_factory=lambda: [5, 300, 1800, 7200, 18000, 36000, 36000])
    webhooks_timeout_seconds: float = 15.0
    webhooks_lease_seconds: float = 60.0  # longer than a delivery can take, so no two instances send one attempt
    webhooks_sweep_seconds: float = 60.0  # how often terminal videos not yet announced are looked for
    webhooks_concurrency: int = 8

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

    @field_validator("redis_url", "storage_url", "s3_endpoint_url", "s3_region", "s3_public_endpoint_url",
                     "fal_key", "provider_secret", mode="before")
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
    def fal_configured(self) -> bool:
        return self.fal_key is not None

    @property
    def fal_webhooks(self) -> bool:
        """Send a webhook URL only to an https public URL (fal cannot reach anything else)."""
        return bool(self.public_url and self.public_url.lower().startswith("https://"))

    @property
    def openrouter_webhooks(self) -> bool:
        """Send callback_url: only to an https public URL, and only when deliveries can be verified."""
        return bool(self.openrouter_webhook_secret and self.public_url
                    and self.public_url.lower().startswith("https://"))

    @property
    def use_emulator(self) -> bool:
        if self.emulator_enabled is not None:
            return self.emulator_enabled
        return not (self.openai_configured or self.openrouter_configured or self.fal_configured)

    @property
    def resolved_instance_id(self) -> str:
        # Stable across restarts of the same server, so a restarted instance reclaims its own leases at once.
        return self.instance_id or f"{socket.gethostname()}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
