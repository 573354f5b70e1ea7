from __future__ import annotations

from fastapi import APIRouter

from sora2.deps import CtxDep, CurrentUser
from sora2.providers_api.schemas import ProviderOut, ProvidersOut

router = APIRouter(prefix="/api", tags=["providers"])


@router.get("/providers", response_model=ProvidersOut)
async def list_providers(_user: CurrentUser, ctx: CtxDep) -> ProvidersOut:
    """Configured providers with their models and capabilities (sizes, durations, features, prices)."""
    default = ctx.providers.default
    return ProvidersOut(
        providers=[ProviderOut.of(p.info) for p in ctx.providers.all],
        default_provider=default.info.id if default else None,
        default_model=default.info.models[0].id if default and default.info.models else None,
    )
