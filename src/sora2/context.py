"""The long-lived objects one running instance owns; built by the app lifespan, shared through app.state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from sora2.auth.principal import PrincipalCache
from sora2.auth.ratelimit_window import WindowLimiter
from sora2.auth.throttle import LoginThrottle
from sora2.auth.tokens import TokenCodec
from sora2.config import Settings
from sora2.db.session import SessionFactory
from sora2.events import EventBus
from sora2.media.store import MediaStore
from sora2.videos.listcache import ListCache

if TYPE_CHECKING:
    from sora2.events_redis import RedisFanout
    from sora2.metrics import Metrics
    from sora2.outbound.dispatcher import Dispatcher
    from sora2.providers.registry import ProviderRegistry
    from sora2.providers_admin.runtime import ProviderRuntime
    from sora2.tracker.loop import Tracker
    from sora2.videos.media_access import MediaRecords
    from sora2.videos.signing import MediaSigner


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    bus: EventBus
    tokens: TokenCodec
    limiter: LoginThrottle  # sign-in throttle (sora2.auth.throttle)
    storage: MediaStore
    providers: "ProviderRegistry"
    signer: "MediaSigner"
    metrics: "Metrics"
    list_cache: ListCache
    media_records: "MediaRecords"
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    tracker: "Tracker | None" = None
    fanout: "RedisFanout | None" = None  # set when SORA2_REDIS_URL is (several instances)
    provider_runtime: "ProviderRuntime | None" = None  # providers configured at runtime (admin page, CLI)
    outbound: "Dispatcher | None" = None  # outbound webhook delivery
    extras: dict[str, Any] = field(default_factory=dict)
    # Public share links: page and record requests, and media requests (ranges come many per view), per address.
    share_limiter: WindowLimiter = field(default_factory=lambda: WindowLimiter(60, 60))
    share_media_limiter: WindowLimiter = field(default_factory=lambda: WindowLimiter(1200, 60))
