"""Keeps this instance's providers in step with the database: providers added, changed, enabled, disabled or
removed at runtime take effect without a restart, on every instance.

An admin's change commits, bumps `providers.version` and publishes ProvidersChanged (fanned out over Redis); each
instance reloads on that event, and also checks the version every `providers_reload_seconds` in case it missed
it. A changed provider is rebuilt; the old one keeps serving calls already in flight and is closed later.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sora2.config import Settings
from sora2.db.session import SessionFactory
from sora2.events import ProvidersChanged
from sora2.models import ProviderConfig
from sora2.providers.base import Provider
from sora2.providers.factory import build
from sora2.providers.registry import ProviderRegistry
from sora2.providers.specs import DATABASE, ProviderSpec
from sora2.providers_admin.crypto import KeyBox, KeyBoxError
from sora2.providers_admin.repository import DEFAULT_KEY, DISABLED_KEY, ProviderConfigRepository

log = logging.getLogger(__name__)
RETIRE_AFTER_SECONDS = 360.0  # longer than any call in flight (a download may take 5 × the timeout)


def spec_of(config: ProviderConfig, keybox: KeyBox) -> ProviderSpec:
    key = keybox.open(config.api_key_encrypted) if config.api_key_encrypted else None
    options = dict(config.options or {})
    if options.get("webhook_secret_encrypted"):
        options["webhook_secret"] = keybox.open(options.pop("webhook_secret_encrypted"))
    return ProviderSpec(id=config.id, kind=config.kind, name=config.name, source=DATABASE,
                        base_url=config.base_url, api_key=key, options=options, enabled=config.enabled)


@dataclass
class Snapshot:
    specs: list[ProviderSpec]
    disabled: set[str]
    default: tuple[str, str] | None
    version: int
    errors: dict[str, str] = field(default_factory=dict)


class ProviderRuntime:
    def __init__(self, settings: Settings, sessions: SessionFactory, registry: ProviderRegistry, keybox: KeyBox,
                 fixed: list[Provider]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.registry = registry
        self.keybox = keybox
        self.fixed = fixed  # built from environment variables (and the emulator) at startup
        self.errors: dict[str, str] = {}  # providers that could not be built, and why (shown to admins)
        self.version: int | None = None
        self._built: dict[str, tuple[str, Provider]] = {}
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._watcher: asyncio.Task | None = None
        self._retiring: list[Provider] = []

    async def _snapshot(self) -> Snapshot:
        async with self.sessions.begin() as session:
            repo = ProviderConfigRepository(session)
            configs, version = await repo.list(), await repo.version()
            disabled = set(await repo.setting(DISABLED_KEY, []) or [])
            default = await repo.setting(DEFAULT_KEY)
        specs, errors = [], {}
        for config in configs:
            try:
                specs.append(spec_of(config, self.keybox))
            except KeyBoxError as exc:
                errors[config.id] = str(exc)
        disabled |= {s.id for s in specs if not s.enabled}
        choice = (default["provider"], default["model"]) if isinstance(default, dict) and default.get("model") else None
        return Snapshot(specs, disabled, choice, version, errors)

    async def _provider_for(self, spec: ProviderSpec, errors: dict[str, str]) -> Provider | None:
        fingerprint = spec.fingerprint()
        known = self._built.get(spec.id)
        if known and known[0] == fingerprint:
            return known[1]
        try:
            provider = build(spec, self.settings)
            start = getattr(provider, "start", None)
            if start is not None:
                await start()
        except Exception as exc:  # noqa: BLE001  one bad configuration must not stop the others
            log.warning("provider %s could not be built: %s", spec.id, exc)
            errors[spec.id] = f"could not be built: {exc}"
            return None
        self._built[spec.id] = (fingerprint, provider)
        return provider

    async def reload(self) -> None:
        async with self._lock:
            snapshot = await self._snapshot()
            fixed_ids = {p.info.id for p in self.fixed}
            providers = list(self.fixed)
            for spec in snapshot.specs:
                if spec.id not in fixed_ids and (provider := await self._provider_for(spec, snapshot.errors)):
                    providers.append(provider)
            wanted = {p.info.id for p in providers}
            self._built = {pid: built for pid, built in self._built.items() if pid in wanted}
            removed = self.registry.replace(providers, disabled=snapshot.disabled, default=snapshot.default)
            self.errors, self.version = snapshot.errors, snapshot.version
            for provider in removed:
                self._retire(provider)

    def _retire(self, provider: Provider) -> None:
        self._retiring.append(provider)

        async def close_later() -> None:
            await asyncio.sleep(RETIRE_AFTER_SECONDS)
            self._retiring.remove(provider)
            await provider.close()

        self._spawn(close_later())

    def _spawn(self, coroutine) -> None:  # noqa: ANN001
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def on_event(self, event: object) -> None:
        if isinstance(event, ProvidersChanged):
            self._spawn(self._safe_reload())

    async def _safe_reload(self) -> None:
        try:
            await self.reload()
        except Exception:  # noqa: BLE001  the database may be briefly away; the next check retries
            log.exception("provider reload failed")

    async def start(self) -> None:
        await self.reload()
        self._watcher = asyncio.create_task(self._watch(), name="sora2-provider-reload")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.providers_reload_seconds)
            try:
                async with self.sessions.begin() as session:
                    version = await ProviderConfigRepository(session).version()
                if version != self.version:
                    await self.reload()
            except Exception:  # noqa: BLE001
                log.exception("provider version check failed")

    async def stop(self) -> None:
        tasks = [t for t in (self._watcher, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for provider in self._retiring:  # the registry closes the current ones
            await provider.close()
        self._retiring.clear()
        self._built.clear()
