"""/api/admin/providers: the admin page's providers (add, check, enable, disable, remove, default model)."""

from __future__ import annotations

from fastapi import APIRouter

from sora2.deps import AdminUser, CtxDep
from sora2.errors import NotFound
from sora2.providers.specs import ProviderSpec, env_specs
from sora2.providers_admin.repository import ProviderConfigRepository
from sora2.providers_admin.runtime import spec_of
from sora2.providers_admin.schemas import (
    CheckIn, CheckOut, DefaultModel, ProviderEntry, ProviderIn, ProviderPatch, ProvidersAdminOut,
)
from sora2.providers_admin.service import ProviderAdminService, check_spec, unsaved_spec
from sora2.videos.schemas import SuccessOut

router = APIRouter(prefix="/api/admin/providers", tags=["admin"])


def _service(ctx, session) -> ProviderAdminService:  # noqa: ANN001
    runtime = ctx.provider_runtime
    return ProviderAdminService(session, ctx.settings, ctx.providers, runtime.keybox, runtime.errors)


async def _fresh(ctx) -> None:  # noqa: ANN001
    """Apply committed changes here at once (other instances follow through ProvidersChanged / the version)."""
    async with ctx.sessions.begin() as session:
        version = await ProviderConfigRepository(session).version()
    if version != ctx.provider_runtime.version:
        await ctx.provider_runtime.reload()


async def _overview(ctx) -> ProvidersAdminOut:  # noqa: ANN001
    await _fresh(ctx)
    async with ctx.sessions.begin() as session:
        service = _service(ctx, session)
        return ProvidersAdminOut(providers=await service.entries(), default=await service.default())


async def _entry(ctx, provider_id: str) -> ProviderEntry:  # noqa: ANN001
    overview = await _overview(ctx)
    return next(e for e in overview.providers if e.id == provider_id)


@router.get("", response_model=ProvidersAdminOut)
async def list_providers(_admin: AdminUser, ctx: CtxDep) -> ProvidersAdminOut:
    """Every provider: from environment variables (read-only) and added here; keys are never returned."""
    return await _overview(ctx)


@router.post("", response_model=ProviderEntry)
async def add_provider(data: ProviderIn, _admin: AdminUser, ctx: CtxDep) -> ProviderEntry:
    """Add a provider (its API key is stored encrypted); every instance picks it up without a restart."""
    async with ctx.sessions.begin() as session:
        provider_id = await _service(ctx, session).add(data)
    return await _entry(ctx, provider_id)


@router.post("/check", response_model=CheckOut)
async def check_unsaved(data: CheckIn, _admin: AdminUser, ctx: CtxDep) -> CheckOut:
    """Try a configuration before saving it: lists the models it offers (proves the URL and the key)."""
    return await check_spec(unsaved_spec(data), ctx.settings)


@router.put("/default", response_model=ProvidersAdminOut)
async def set_default(choice: DefaultModel | None, _admin: AdminUser, ctx: CtxDep) -> ProvidersAdminOut:
    """The model new videos use when a request names none (null: the first enabled provider's first model)."""
    async with ctx.sessions.begin() as session:
        await _service(ctx, session).set_default(choice)
    return await _overview(ctx)


async def _saved_spec(ctx, provider_id: str) -> ProviderSpec:  # noqa: ANN001
    async with ctx.sessions.begin() as session:
        config = await ProviderConfigRepository(session).get(provider_id)
    if config is not None:
        return spec_of(config, ctx.provider_runtime.keybox)
    spec = next((s for s in env_specs(ctx.settings) if s.id == provider_id), None)
    if spec is None:
        raise NotFound(f"Provider {provider_id!r} not found (the emulator needs no check)")
    return spec


@router.post("/{provider_id}/check", response_model=CheckOut)
async def check_saved(provider_id: str, _admin: AdminUser, ctx: CtxDep, data: CheckIn | None = None) -> CheckOut:
    """Check a saved provider with its stored key (a body tries changed values, keeping the stored key)."""
    saved = await _saved_spec(ctx, provider_id)
    spec = unsaved_spec(data, saved) if data is not None else saved
    return await check_spec(spec, ctx.settings)


@router.patch("/{provider_id}", response_model=ProviderEntry)
async def update_provider(provider_id: str, patch: ProviderPatch, _admin: AdminUser, ctx: CtxDep) -> ProviderEntry:
    """Change, enable or disable a provider (environment providers: enable/disable only)."""
    async with ctx.sessions.begin() as session:
        await _service(ctx, session).update(provider_id, patch)
    return await _entry(ctx, provider_id)


@router.delete("/{provider_id}", response_model=SuccessOut)
async def remove_provider(provider_id: str, _admin: AdminUser, ctx: CtxDep) -> SuccessOut:
    """Remove a provider added here (refused while it still generates videos: disable it first)."""
    async with ctx.sessions.begin() as session:
        await _service(ctx, session).remove(provider_id)
    await _fresh(ctx)
    return SuccessOut()
