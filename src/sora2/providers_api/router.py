from __future__ import annotations

from fastapi import APIRouter

from sora2.deps import CtxDep, CurrentUser
from sora2.providers_api.schemas import ProviderOut, ProvidersOut

router = APIRouter(prefix="/api", tags=["providers"])


@router.get("/providers", response_model=ProvidersOut)
async def list_providers(_user: CurrentUser, ctx: CtxDep) -> ProvidersOut:
    """Enabled providers with their models and capabilities (sizes, durations, features, prices), and the
    default model."""
    default = ctx.providers.default_model()
    return ProvidersOut(
        providers=[ProviderOut.of(p.info) for p in ctx.providers.enabled],
        default_provider=default[0].info.id if default else None,
        default_model=default[1].id if default else None,
    )
