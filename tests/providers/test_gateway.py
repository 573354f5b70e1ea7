"""Gateways: models discovered from GET /v1/models (the emulator, and a LiteLLM-shaped listing with `mode`),
capabilities from the model table and the families, conservative defaults with a warning, unwrapped errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sora2.config import Settings
from sora2.providers.base import GenerationRequest, ProviderError
from sora2.providers.gateway_models import ModelTableError, describe, parse_table, video_model_ids
from sora2.providers.gateway_errors import unwrap_gateway_message
from sora2.providers.registry import build_openai_provider
from tests.emulator.helpers import API_KEY, Emulator, make_config, running_emulator, serve
from tests.videos.helpers import wait_for_video

LITELLM_ERROR = ('litellm.BadRequestError: OpenAIException - {"error":{"message":"Invalid value: \'12\'. '
                 'Supported values are: \'4\', \'6\' and \'8\'.","type":"invalid_request_error","param":"seconds"}}. '
                 'Received Model Group=veo-3.1\nAvailable Model Group Fallbacks=None')


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(make_config(tmp_path / "gateway")) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, gateway: Emulator) -> Settings:
    return settings.model_copy(update={"openai_base_url": f"{gateway.url}/v1", "openai_api_key": SecretStr(API_KEY),
                                       "mcp_enabled": False})


async def test_the_official_sdk_reads_the_emulators_model_list(gateway: Emulator):
    listed = [m.id async for m in gateway.client.models.list()]
    assert listed == ["sora-2", "sora-2-pro", "veo-3.1", "veo-3.1-fast"]


async def test_discovered_models_carry_their_familys_capabilities(client, user_headers):
    providers = (await client.get("/api/providers", headers=user_headers)).json()
    [gateway] = providers["providers"]
    models = {m["id"]: m for m in gateway["models"]}
    assert list(models) == ["sora-2", "sora-2-pro", "veo-3.1", "veo-3.1-fast"]
    assert models["veo-3.1"]["durations"] == ["4", "6", "8"] and models["veo-3.1"]["aspect_ratios"] == ["16:9", "9:16"]
    assert models["veo-3.1-fast"]["price_per_second"]["1280x720"] == 0.15
    assert models["sora-2"]["features"]["remix"] and not models["veo-3.1"]["features"]["remix"]


async def test_a_veo_named_video_with_veos_duration_is_made(client, user_headers, gateway: Emulator):
    body = {"prompt": "a heron", "model": "veo-3.1", "seconds": "6", "aspect_ratio": "9:16"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    assert (video["model"], video["size"], video["seconds"]) == ("veo-3.1", "720x1280", "6"), video
    done = await wait_for_video(client, user_headers, video["id"], timeout=40)
    assert done["status"] == "completed" and done["download_state"] == "done", done


def _litellm_app(errors: list[str]) -> Starlette:
    async def models(request: Request) -> JSONResponse:
        return JSONResponse({"object": "list", "data": [
            {"id": "veo-3.1", "object": "model", "mode": "video_generation"},
            {"id": "gpt-4o", "object": "model", "mode": "chat"},
            {"id": "mystery-video", "object": "model", "mode": "video_generation"},
            {"id": "sora-2-pro", "object": "model", "mode": "video_generation"}]})

    async def create(request: Request) -> JSONResponse:
        errors.append("create")
        return JSONResponse({"error": {"message": LITELLM_ERROR, "type": None, "param": None, "code": "400"}},
                            status_code=400)

    return Starlette(routes=[Route("/v1/models", models), Route("/v1/videos", create, methods=["POST"])])


async def test_a_litellm_listing_offers_its_video_models_and_warns_about_unknown_ones(settings: Settings):
    calls: list[str] = []
    async with serve(_litellm_app(calls)) as url:
        table = {"sora-2-pro": {"durations": ["4", "8"], "price_per_second": 0.5}}
        provider = build_openai_provider(settings.model_copy(update={
            "openai_base_url": f"{url}/v1", "openai_models": table}))
        try:
            result = await provider.check()
            assert list(result.models) == ["veo-3.1", "mystery-video", "sora-2-pro"]  # no chat model
            assert len(result.warnings) == 1 and "mystery-video" in result.warnings[0]
            mystery = provider.info.model("mystery-video")
            assert mystery.sizes == ("1280x720", "720x1280") and not mystery.image_reference
            pro = provider.info.model("sora-2-pro")
            assert pro.durations == ("4", "8") and pro.price("1280x720", "4") == 2.0
            with pytest.raises(ProviderError) as error:
                await provider.create(GenerationRequest(model="veo-3.1", prompt="p", size="1280x720", seconds="8"))
            assert error.value.message == "Invalid value: '12'. Supported values are: '4', '6' and '8'."
        finally:
            await provider.close()


def test_gateway_error_strings_are_unwrapped_to_the_upstream_message():
    assert unwrap_gateway_message(LITELLM_ERROR).startswith("Invalid value: '12'")
    wrapped = 'litellm.APIError: APIError: OpenAIException - Internal Server Error. Received Model Group=sora-2'
    assert unwrap_gateway_message(wrapped) == "Internal Server Error."
    assert unwrap_gateway_message("plain words") == "plain words"


def test_families_and_the_model_table():
    assert describe("vertex_ai/veo-3.1-fast-generate-001").capabilities.durations == ("4", "6", "8")
    assert describe("kling-v2.1-master").capabilities.price("1280x720", "5") == 1.4
    assert describe("seedance-1-lite").warning is None
    assert describe("totally-new").warning is not None
    own = describe("my-video", {"family": "wan", "durations": ["5"], "name": "House Wan"}).capabilities
    assert (own.name, own.durations, own.aspect_ratios) == ("House Wan", ("5",), ("16:9", "9:16", "1:1"))
    with pytest.raises(ModelTableError):
        parse_table({"x": {"durations": "8"}})
    with pytest.raises(ModelTableError):
        parse_table({"x": {"colour": "red"}})
    listing = json.loads('{"data":[{"id":"sora-2"},{"id":"gpt-4o"},{"id":"wan2.5-t2v"}]}')
    assert video_model_ids(listing, {}) == ["sora-2", "wan2.5-t2v"]
