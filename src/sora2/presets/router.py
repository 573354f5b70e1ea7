from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.http.bodies import read_model
from sora2.deps import CtxDep, CurrentUser, SessionDep
from sora2.presets.schemas import PresetIn, PresetList, PresetOut
from sora2.presets.service import PresetService
from sora2.videos.schemas import SuccessOut

router = APIRouter(prefix="/api", tags=["presets"])


def _service(ctx, session) -> PresetService:  # noqa: ANN001
    return PresetService(session, ctx.providers)


@router.get("/presets", response_model=PresetList)
async def list_presets(user: CurrentUser, ctx: CtxDep, session: SessionDep) -> PresetList:
    """The presets you can pick: the shared ones (published by admins) and your own."""
    service = _service(ctx, session)
    presets = await service.repo.visible_to(user.id)
    return PresetList(presets=[PresetOut.of(p, service.editable(user, p)) for p in presets])


@router.post("/presets", response_model=PresetOut, status_code=201, openapi_extra=read_model.openapi(PresetIn))
async def create_preset(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> PresetOut:
    """Save a preset: a model and any of its shape, duration and options, and a prompt prefix/suffix.
    `shared: true` publishes it to everyone (admins only)."""
    body = await read_model(request, PresetIn)
    preset = await _service(ctx, session).create(user, body)
    return PresetOut.of(preset, True)


@router.get("/presets/{preset_id}", response_model=PresetOut)
async def get_preset(preset_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> PresetOut:
    """One preset you can pick."""
    service = _service(ctx, session)
    preset = await service.visible(user, preset_id)
    return PresetOut.of(preset, service.editable(user, preset))


@router.put("/presets/{preset_id}", response_model=PresetOut, openapi_extra=read_model.openapi(PresetIn))
async def update_preset(preset_id: str, request: Request, user: CurrentUser, ctx: CtxDep,
                        session: SessionDep) -> PresetOut:
    """Replace a preset's settings (yours; shared ones: admins)."""
    body = await read_model(request, PresetIn)
    return PresetOut.of(await _service(ctx, session).update(user, preset_id, body), True)


@router.delete("/presets/{preset_id}", response_model=SuccessOut)
async def delete_preset(preset_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> SuccessOut:
    """Delete a preset (yours; shared ones: admins). Videos made with it keep their settings."""
    await _service(ctx, session).delete(user, preset_id)
    return SuccessOut()
