"""Admin use cases: list, add, change, enable/disable, remove and check providers; choose the default model.
Services flush; the caller commits and then reloads the runtime (see router)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.config import Settings
from sora2.db.session import queue_event
from sora2.errors import BadRequest, Conflict, NotFound
from sora2.events import ProvidersChanged
from sora2.models import ProviderConfig
from sora2.providers.factory import build
from sora2.providers.gateway_models import ModelTableError, parse_table
from sora2.providers.registry import ProviderRegistry
from sora2.providers.specs import DATABASE, RESERVED_IDS, ProviderSpec, env_specs
from sora2.providers_admin.crypto import KeyBox, key_hint
from sora2.providers_admin.repository import DEFAULT_KEY, DISABLED_KEY, ProviderConfigRepository
from sora2.providers_admin.schemas import (
    CheckIn, CheckOut, DefaultModel, ProviderEntry, ProviderIn, ProviderOptions, ProviderPatch,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
CHECK_SECONDS = 20.0


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or "provider"


def _checked_url(url: str | None) -> str | None:
    url = (url or "").strip() or None
    if url is not None and not re.match(r"^https?://[^\s/]+", url):
        raise BadRequest("base_url must be an http(s) URL", code="invalid_base_url")
    return url.rstrip("/") if url else None


def _options(options: ProviderOptions) -> dict[str, Any]:
    values = options.model_dump(exclude_none=True)
    if "models" in values:
        try:
            values["models"] = parse_table(values["models"])
        except ModelTableError as exc:
            raise BadRequest(str(exc), code="invalid_model_table") from None
    return values


class ProviderAdminService:
    def __init__(self, session: AsyncSession, settings: Settings, registry: ProviderRegistry, keybox: KeyBox,
                 errors: dict[str, str] | None = None) -> None:
        self.session = session
        self.repo = ProviderConfigRepository(session)
        self.settings = settings
        self.registry = registry
        self.keybox = keybox
        self.errors = errors or {}

    # --- reads -----------------------------------------------------------------------------------------

    def _live(self, entry: ProviderEntry) -> ProviderEntry:
        provider = self.registry.get(entry.id) if entry.id in self.registry else None
        if provider is not None:
            entry.running, entry.emulated = True, provider.info.emulated
            entry.models = [m.id for m in provider.info.models]
            entry.warnings = list(getattr(provider, "warnings", ()))
        entry.error = self.errors.get(entry.id)
        return entry

    async def entries(self) -> list[ProviderEntry]:
        disabled = set(await self.repo.setting(DISABLED_KEY, []) or [])
        fixed = [ProviderEntry(id=s.id, kind=s.kind, name=s.name, source="environment", read_only=True,
                               enabled=s.id not in disabled, running=False, base_url=s.base_url,
                               has_key=bool(s.api_key), key_hint=key_hint(s.api_key or "") or None,
                               options=_public_options(s.options))
                 for s in env_specs(self.settings)]
        if self._has_emulator():
            fixed.append(ProviderEntry(id="emulator", kind="emulator", name="Built-in emulator (offline, simulated)",
                                       source="environment", read_only=True, enabled="emulator" not in disabled,
                                       running=False))
        stored = [ProviderEntry(id=c.id, kind=c.kind, name=c.name, source="database", read_only=False,
                                enabled=c.enabled, running=False, base_url=c.base_url,
                                has_key=bool(c.api_key_encrypted), key_hint=c.key_hint,
                                options=_public_options(c.options or {}))
                  for c in await self.repo.list()]
        return [self._live(entry) for entry in fixed + stored]

    async def default(self) -> DefaultModel | None:
        value = await self.repo.setting(DEFAULT_KEY)
        return DefaultModel(**value) if isinstance(value, dict) and value.get("model") else None

    # --- writes ----------------------------------------------------------------------------------------

    def _changed(self) -> None:
        queue_event(self.session, ProvidersChanged())

    async def add(self, data: ProviderIn) -> str:
        provider_id = (data.id or _slug(data.name)).strip().lower()
        if not ID_PATTERN.match(provider_id):
            raise BadRequest("id must be 1–32 lowercase letters, digits or dashes", code="invalid_provider_id")
        if provider_id in RESERVED_IDS or provider_id in self.registry or await self.repo.get(provider_id):
            raise Conflict(f"A provider with id {provider_id!r} already exists; choose another id",
                           code="provider_exists")
        config = ProviderConfig(id=provider_id, kind=data.kind, name=data.name.strip(),
                                base_url=_checked_url(data.base_url), enabled=data.enabled,
                                options=_options(data.options))
        self._set_key(config, data.api_key)
        await self.repo.add(config)
        await self.repo.bump_version()
        self._changed()
        return provider_id

    def _set_key(self, config: ProviderConfig, key: str | None) -> None:
        if key is None:
            return
        key = key.strip()
        config.api_key_encrypted = self.keybox.seal(key) if key else None
        config.key_hint = key_hint(key) or None if key else None

    async def _stored(self, provider_id: str) -> ProviderConfig:
        config = await self.repo.get(provider_id)
        if config is None:
            raise NotFound(f"Provider {provider_id!r} not found")
        return config

    async def update(self, provider_id: str, patch: ProviderPatch) -> None:
        if await self.repo.get(provider_id) is None and self._is_fixed(provider_id):
            if patch.model_dump(exclude_none=True, exclude={"enabled"}):
                raise BadRequest("This provider is configured by environment variables: only enabling or "
                                 "disabling it is possible here", code="read_only_provider")
            if patch.enabled is not None:
                await self._set_fixed_enabled(provider_id, patch.enabled)
            return
        config = await self._stored(provider_id)
        if patch.name is not None:
            config.name = patch.name.strip()
        if "base_url" in patch.model_fields_set:
            config.base_url = _checked_url(patch.base_url)
        if patch.enabled is not None:
            config.enabled = patch.enabled
        if patch.options is not None:
            config.options = {**(config.options or {}), **_options(patch.options)}
        self._set_key(config, patch.api_key)
        await self.repo.bump_version()
        self._changed()

    def _has_emulator(self) -> bool:
        return "emulator" in self.registry or self.settings.use_emulator

    def _is_fixed(self, provider_id: str) -> bool:
        return provider_id in {s.id for s in env_specs(self.settings)} or (
            provider_id == "emulator" and self._has_emulator())

    async def _set_fixed_enabled(self, provider_id: str, enabled: bool) -> None:
        disabled = set(await self.repo.setting(DISABLED_KEY, []) or [])
        disabled = disabled - {provider_id} if enabled else disabled | {provider_id}
        await self.repo.set_setting(DISABLED_KEY, sorted(disabled))
        await self.repo.bump_version()
        self._changed()

    async def remove(self, provider_id: str) -> None:
        if self._is_fixed(provider_id) and await self.repo.get(provider_id) is None:
            raise BadRequest("This provider is configured by environment variables; disable it here, or remove "
                             "its variables and restart", code="read_only_provider")
        config = await self._stored(provider_id)
        active = await self.repo.active_videos(provider_id)
        if active:
            raise Conflict(f"{active} video(s) are still being generated by {provider_id}; disable it instead and "
                           "remove it once they have finished", code="provider_busy")
        await self.repo.delete(config)
        await self.repo.bump_version()
        self._changed()

    async def set_default(self, choice: DefaultModel | None) -> None:
        if choice is not None:
            provider = self.registry.offered(choice.provider)
            if provider.info.model(choice.model) is None:
                raise BadRequest(f"{choice.provider} does not offer {choice.model!r}", code="unknown_model")
        await self.repo.set_setting(DEFAULT_KEY, choice.model_dump() if choice else None)
        await self.repo.bump_version()
        self._changed()


def _public_options(options: dict[str, Any]) -> dict[str, Any]:
    """Options as admins see them: never a secret, and no file paths of the server."""
    return {k: v for k, v in options.items()
            if not k.endswith("_encrypted") and k not in ("webhook_secret", "models_file") and v not in (None, {})}


async def check_spec(spec: ProviderSpec, settings: Settings) -> CheckOut:
    """Build the provider, ask it for its models (proving the URL and the key), and close it again."""
    try:
        provider = build(spec, settings)
    except Exception as exc:  # noqa: BLE001  a bad URL or model table: say so
        return CheckOut(ok=False, error=str(exc))
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            result = await provider.check()  # type: ignore[attr-defined]
        return CheckOut(ok=True, models=list(result.models), warnings=list(result.warnings),
                        notes=list(result.notes))
    except TimeoutError:
        return CheckOut(ok=False, error=f"no answer within {CHECK_SECONDS:.0f} s")
    except Exception as exc:  # noqa: BLE001  ProviderError and friends: the message is for the admin
        return CheckOut(ok=False, error=getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    finally:
        await provider.close()


def unsaved_spec(data: CheckIn, existing: ProviderSpec | None = None) -> ProviderSpec:
    """The spec a check builds: the form's values, with the saved key when the form leaves it empty."""
    key = data.api_key if data.api_key else (existing.api_key if existing else None)
    return ProviderSpec(id=existing.id if existing else "check", kind=data.kind, name="check", source=DATABASE,
                        base_url=_checked_url(data.base_url) or (existing.base_url if existing else None),
                        api_key=key, options={**(existing.options if existing else {}), **_options(data.options)})
