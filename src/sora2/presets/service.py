"""Preset use cases: save checked settings, list what a user may pick, apply one to a create request.

Another user's private preset answers 404. Shared presets are published and changed by admins only.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.principal import Principal
from sora2.db.base import utcnow
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.models import Preset
from sora2.presets.repository import PresetRepository
from sora2.presets.schemas import SETTING_FIELDS, PresetIn
from sora2.providers.registry import ProviderRegistry
from sora2.videos.options import generation_options, resolve_shape
from sora2.videos.service import CreateParams, validate_against

MAX_NAME = 80
MAX_AFFIX = 1_000
MAX_PRESETS = 200
SHAPE_FIELDS = ("size", "aspect_ratio", "resolution")
NEEDS_MODEL = (*SHAPE_FIELDS, "seconds", "seed", "negative_prompt", "generate_audio")


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        raise BadRequest(f"A preset needs a name of 1 to {MAX_NAME} characters", code="invalid_name")
    return " ".join(value.split())


def _affix(name: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_AFFIX:
        raise BadRequest(f"{name} must be text of at most {MAX_AFFIX} characters", code=f"invalid_{name}")
    return value.strip() or None


def compose_prompt(prompt: object, prefix: str | None, suffix: str | None) -> object:
    """prefix + prompt + suffix, without doubling a part the prompt already has (a reused video's prompt)."""
    if not isinstance(prompt, str) or not prompt.strip():
        return prompt  # the create checks report it
    text = prompt.strip()
    if prefix and not text.startswith(prefix):
        text = f"{prefix} {text}"
    if suffix and not text.endswith(suffix):
        text = f"{text} {suffix}"
    return text


class PresetService:
    def __init__(self, session: AsyncSession, providers: ProviderRegistry) -> None:
        self.repo = PresetRepository(session)
        self.providers = providers

    @staticmethod
    def editable(user: Principal, preset: Preset) -> bool:
        return user.is_admin if preset.shared else preset.user_id == user.id

    async def visible(self, user: Principal, preset_id: str) -> Preset:
        preset = await self.repo.get(preset_id)
        if preset is None or not (preset.shared or preset.user_id == user.id):
            raise NotFound("Preset not found")
        return preset

    async def create(self, user: Principal, body: PresetIn) -> Preset:
        if body.shared and not user.is_admin:
            raise Forbidden("Only admins publish shared presets", code="admin_required")
        if await self.repo.count_for_user(user.id) >= MAX_PRESETS:
            raise BadRequest(f"You already have {MAX_PRESETS} presets", code="too_many_presets")
        now = utcnow()
        preset = Preset(id=str(uuid.uuid4()), user_id=user.id, name=_name(body.name), shared=bool(body.shared),
                        settings=self.checked_settings(body), prompt_prefix=_affix("prompt_prefix", body.prompt_prefix),
                        prompt_suffix=_affix("prompt_suffix", body.prompt_suffix), created_at=now, updated_at=now)
        return await self.repo.add(preset)

    async def update(self, user: Principal, preset_id: str, body: PresetIn) -> Preset:
        """Replace the preset's settings with the body's (a field left out is no longer fixed)."""
        preset = await self._editable(user, preset_id)
        if body.shared is not None and body.shared != preset.shared and not user.is_admin:
            raise Forbidden("Only admins publish shared presets", code="admin_required")
        preset.name = _name(body.name) if body.name is not None else preset.name
        preset.shared = preset.shared if body.shared is None else body.shared
        preset.settings = self.checked_settings(body)
        preset.prompt_prefix = _affix("prompt_prefix", body.prompt_prefix)
        preset.prompt_suffix = _affix("prompt_suffix", body.prompt_suffix)
        preset.updated_at = utcnow()
        await self.repo.session.flush()
        return preset

    async def delete(self, user: Principal, preset_id: str) -> None:
        await self.repo.delete(await self._editable(user, preset_id))

    async def _editable(self, user: Principal, preset_id: str) -> Preset:
        preset = await self.visible(user, preset_id)
        if not self.editable(user, preset):
            raise Forbidden("Only admins change shared presets", code="admin_required")
        return preset

    def checked_settings(self, body: PresetIn) -> dict[str, Any]:
        """The create fields the preset fixes, checked against the model now (as a create would be)."""
        given = {k: getattr(body, k) for k in SETTING_FIELDS if getattr(body, k) not in (None, "")}
        if not given.get("model"):
            if any(k in given for k in NEEDS_MODEL):
                raise BadRequest("Choose a model for these settings", code="model_required")
            return {k: v for k, v in given.items() if k == "provider" and isinstance(v, str)}
        for name in ("provider", "model"):
            if name in given and not isinstance(given[name], str):
                raise BadRequest(f"{name} must be a string", code=f"invalid_{name}")
        provider, caps = self.providers.resolve(given.get("provider"), given["model"])
        settings: dict[str, Any] = {"provider": provider.info.id, "model": caps.id}
        if any(k in given for k in SHAPE_FIELDS):
            shape = resolve_shape(caps, given.get("size"), given.get("aspect_ratio"), given.get("resolution"))
            settings.update(size=shape.size, aspect_ratio=shape.aspect_ratio, resolution=shape.resolution)
        if "seconds" in given:
            seconds = str(given["seconds"]).strip()
            validate_against(caps, settings.get("size") or caps.default_size, seconds)
            settings["seconds"] = seconds
        settings.update(generation_options(caps, seed=given.get("seed"), negative_prompt=given.get("negative_prompt"),
                                           generate_audio=given.get("generate_audio")))
        return {k: v for k, v in settings.items() if v is not None}

    async def apply(self, user: Principal, preset_id: str, params: CreateParams) -> CreateParams:
        """The request with the preset's settings where the request gives none, and its prompt wrapped."""
        preset = await self.visible(user, preset_id)
        filled = {k: v for k, v in (preset.settings or {}).items()
                  if k in SETTING_FIELDS and getattr(params, k, None) in (None, "")}
        if params.size and "aspect_ratio" in filled:  # an explicit size names the shape on its own
            filled.pop("aspect_ratio", None)
            filled.pop("resolution", None)
        return replace(params, **filled, preset_id=None,
                       prompt=compose_prompt(params.prompt, preset.prompt_prefix, preset.prompt_suffix))
