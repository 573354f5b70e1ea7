"""create_app(settings): builds the ASGI app; the lifespan starts and stops every long-lived part."""

from __future__ import annotations

import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from sora2 import web
from sora2.apitokens.router import router as tokens_router
from sora2.audit.router import router as audit_router
from sora2.auth.router import router as auth_router
from sora2.auth.throttle import build_throttle
from sora2.auth.tokens import TokenCodec, load_or_create_secret, read_or_create_private_file
from sora2.auth.ratelimit_window import WindowLimiter
from sora2.collections.router import router as collections_router
from sora2.presets.router import router as presets_router
from sora2.shares.router import router as shares_router
from sora2.bootstrap import announce_startup, ensure_initial_admin
from sora2.budgets.router import router as budgets_router
from sora2.config import Settings, get_settings
from sora2.context import AppContext
from sora2.dashboard.router import router as dashboard_router
from sora2.db.engine import create_engine, create_session_factory
from sora2.db.migrate import upgrade_if_behind
from sora2.db.startup_lock import startup_lock
from sora2.events import EventBus, LibraryChanged, UserChanged, VideoUpdated
from sora2.filemodes import secure_data_dir
from sora2.http import health
from sora2.http.handlers import AccessLogMiddleware, install_error_handlers
from sora2.http.headers import SecurityHeaders
from sora2.http.inputs import InputGuard
from sora2.http.proxy import ForwardedHeaders
from sora2.media import open_store
from sora2.media.store import browser_origins
from sora2.mcp_server.lazy import MCP_PATH, LazyMcpEndpoint
from sora2.metrics import Metrics
from sora2.outbound.dispatcher import Dispatcher
from sora2.outbound.router import router as outbound_router
from sora2.providers.factory import build
from sora2.providers.registry import ProviderRegistry, build_emulator_provider
from sora2.providers.specs import env_specs
from sora2.providers_admin.crypto import load_keybox
from sora2.providers_admin.router import router as providers_admin_router
from sora2.providers_admin.runtime import ProviderRuntime
from sora2.providers_api.router import router as providers_router
from sora2.realtime.server import bridge_events, create_socket_server
from sora2.tracker.loop import Tracker
from sora2.users.router import router as users_router
from sora2.videos.library_router import router as library_router
from sora2.videos.list_shortcut import CachedListShortcut
from sora2.videos.media_shortcut import MediaShortcut
from sora2.videos.read_router import router as read_router
from sora2.videos.router import router as videos_router
from sora2.videos.listcache import ListCache
from sora2.videos.media_access import MediaRecords
from sora2.videos.signing import MediaSigner
from sora2.webhooks.router import router as webhooks_router

log = logging.getLogger(__name__)


def _build_emulator(settings: Settings) -> tuple[Any, Any] | None:
    if not settings.use_emulator:
        return None
    from sora2.emulator import EmulatorConfig, EmulatorService, create_emulator_app

    service = EmulatorService(EmulatorConfig(data_dir=settings.emulator_dir, job_seconds=settings.emulator_job_seconds,
                                             fps=settings.emulator_fps))
    return service, create_emulator_app(service)


def _providers(settings: Settings, emulator: tuple[Any, Any] | None) -> ProviderRegistry:
    providers = [build(spec, settings) for spec in env_specs(settings)]
    if emulator is not None:
        providers.append(build_emulator_provider(settings, emulator[1], emulator[0].config.api_key))
    return ProviderRegistry(providers)


def _emulator_key(settings: Settings) -> str:
    """The mounted emulator answers on the public port: it takes only this key (data/emulator/api-key, mode 600),
    or anyone could read every user's prompts there or flip its fault knobs."""
    return read_or_create_private_file(settings.emulator_dir / "api-key",
                                       lambda: "emu-" + secrets.token_urlsafe(24))


def _trust_caches(ctx: AppContext):  # noqa: ANN202
    """With several instances, caches may serve only while this one hears every other instance's invalidations:
    any gap in the Redis subscription empties and suspends them, and a new subscription empties them again."""
    def set_trusted(trusted: bool) -> None:
        ctx.list_cache.clear()
        ctx.principals.clear()
        ctx.list_cache.suspended = ctx.principals.suspended = not trusted

    return set_trusted


async def _start_fanout(ctx: AppContext) -> None:
    settings = ctx.settings
    if settings.redis_url is None:
        return  # one instance: the in-process bus is exact, and the fan-out is never loaded
    from sora2.events_redis import RedisFanout

    ctx.fanout = RedisFanout(settings.redis_url.get_secret_value(), settings.redis_channel,
                             settings.resolved_instance_id, ctx.bus, _trust_caches(ctx))
    await ctx.fanout.start()


def _invalidate_caches(ctx: AppContext):  # noqa: ANN202
    def handle(event: object) -> None:
        if isinstance(event, VideoUpdated | LibraryChanged):
            ctx.list_cache.invalidate(event.user_id)
        elif isinstance(event, UserChanged):
            ctx.principals.evict(event.user_id)

    return handle


async def _start(app: FastAPI, settings: Settings, emulator: tuple[Any, Any] | None, sio) -> AppContext:  # noqa: ANN001
    secure_data_dir(settings.data_dir, settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url, settings.db_pool_size)
    sessions = create_session_factory(engine)
    bus = EventBus()
    sessions.publish = bus.publish
    async with startup_lock(settings.data_dir, settings.resolved_database_url):
        await upgrade_if_behind(engine, settings.resolved_database_url)
        secret = load_or_create_secret(settings)
        emulator_key = _emulator_key(settings) if emulator is not None else None
        await ensure_initial_admin(settings, sessions)
    storage = open_store(settings)
    await storage.start()
    log.info("media store: %s", storage.description)
    if emulator is not None:
        emulator[0].config.api_key = emulator_key
        await emulator[0].start()
    list_cache = ListCache(settings.media_url_ttl_seconds, max_entries=settings.list_cache_entries)
    ctx = AppContext(settings=settings, engine=engine, sessions=sessions, bus=bus,
                     tokens=TokenCodec(secret, settings.jwt_expires_seconds),
                     limiter=build_throttle(settings, sessions, engine.dialect.name),
                     storage=storage, providers=_providers(settings, emulator),
                     signer=MediaSigner(secret, settings.media_url_ttl_seconds), metrics=Metrics(),
                     list_cache=list_cache, media_records=MediaRecords(engine, list_cache),
                     share_limiter=WindowLimiter(settings.share_requests_per_minute, 60),
                     share_media_limiter=WindowLimiter(settings.share_media_requests_per_minute, 60))
    if emulator is not None:
        ctx.extras["emulator"], ctx.extras["emulator_app"] = emulator
    app.state.ctx = ctx
    bridge_events(sio, ctx)
    bus.subscribe(_invalidate_caches(ctx))
    await _start_fanout(ctx)
    await ctx.providers.start()  # model discovery (cached copy first; never blocks startup for long)
    await _start_provider_runtime(ctx)
    tracker = Tracker(ctx)
    await tracker.start()
    ctx.tracker = tracker
    ctx.outbound = Dispatcher(ctx)
    await ctx.outbound.start()
    announce_startup(ctx)
    return ctx


async def _start_provider_runtime(ctx: AppContext) -> None:
    """Providers added in the admin page or with `sora2 providers`, and the admins' enable/default choices."""
    runtime = ProviderRuntime(ctx.settings, ctx.sessions, ctx.providers, load_keybox(ctx.settings),
                              fixed=ctx.providers.all)
    await runtime.start()
    ctx.bus.subscribe(runtime.on_event)
    ctx.provider_runtime = runtime


def _mcp_endpoint(api: FastAPI, settings: Settings):  # noqa: ANN202
    """`/mcp` for agents (streamable HTTP); the MCP SDK is a large import, loaded by the first request to it."""
    if not settings.mcp_enabled:
        return None
    endpoint = LazyMcpEndpoint(api, settings)
    for path in (MCP_PATH, MCP_PATH + "/"):  # clients and docs write both; a redirect would drop the POST body
        api.add_route(path, endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    return endpoint


def create_app(settings: Settings | None = None) -> ForwardedHeaders:
    settings = settings or get_settings()
    emulator = _build_emulator(settings)
    sio = create_socket_server(settings.cors_origins, lambda: api.state.ctx)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = await _start(app, settings, emulator, sio)
        # Startup objects live as long as the process: keep them out of every future GC pass.
        gc.freeze()
        try:
            async with mcp.running() if mcp is not None else nullcontext():
                yield
        finally:
            if ctx.tracker is not None:
                await ctx.tracker.stop()
            if ctx.outbound is not None:
                await ctx.outbound.stop()
            if ctx.fanout is not None:
                await ctx.fanout.stop()  # after the tracker: its last events still reach the other instances
            if ctx.provider_runtime is not None:
                await ctx.provider_runtime.stop()
            if (jwks := ctx.extras.get("fal_jwks")) is not None:
                await jwks.client.aclose()
            await ctx.providers.close()
            await ctx.storage.close()
            await ctx.limiter.close()
            if emulator is not None:
                await emulator[0].stop()
            await ctx.engine.dispose()

    api = FastAPI(title="Sora2 Platform", version="0.1.0", lifespan=lifespan, openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None,
                  description="Self-hosted AI video studio. Drop-in for the original soraui backend.")
    api.state.settings = settings
    install_error_handlers(api)
    # Innermost first: inputs are checked inside CORS (so browsers can read the 400), headers go on everything;
    # a cached list page and a player's seeks are answered inside all of them, before routing.
    api.add_middleware(CachedListShortcut)
    api.add_middleware(MediaShortcut)
    api.add_middleware(InputGuard, max_json_bytes=settings.max_json_bytes, large_prefixes=("/mcp",),
                       max_large_json_bytes=settings.max_upload_bytes * 4 // 3 + settings.max_json_bytes)
    api.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True,
                       allow_methods=["*"], allow_headers=["*"])
    api.add_middleware(AccessLogMiddleware)
    api.add_middleware(SecurityHeaders, index_html=web.DIST_DIR / "index.html",
                       media_origins=browser_origins(settings))
    # The hottest reads first: FastAPI tries routes in order (sora2.videos.read_router).
    for router in (read_router, auth_router, tokens_router, users_router, library_router, videos_router,
                   providers_router, providers_admin_router, webhooks_router, collections_router, presets_router,
                   shares_router, budgets_router, dashboard_router, outbound_router, audit_router, health.router):
        api.include_router(router)
    if emulator is not None:
        api.mount("/emulator", emulator[1])
    mcp = _mcp_endpoint(api, settings)
    web.mount_spa(api)
    asgi = ForwardedHeaders(socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io"),
                            settings.forwarded_allow_ips)
    asgi.fastapi = api  # type: ignore[attr-defined]  (tests reach the FastAPI app and its state here)
    asgi.sio = sio  # type: ignore[attr-defined]
    return asgi
