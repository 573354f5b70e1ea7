"""`GET /api/v1/videos/models`: the catalogue the SDK parses, open without a key."""

from __future__ import annotations

import httpx

from tests.emulator_openrouter.helpers import Running, sdk_client

EXPECTED_MODELS = {"google/veo-3.1", "google/veo-3.1-fast", "kwaivgi/kling-v3.0-pro",
                   "bytedance/seedance-2.0", "alibaba/wan-2.7", "minimax/hailuo-2.3"}


async def test_the_sdk_parses_every_model_with_its_capabilities(emulator: Running):
    models = {model.id: model for model in (await emulator.videos.list_videos_models_async()).data}
    assert set(models) == EXPECTED_MODELS
    veo = models["google/veo-3.1"]
    assert veo.supported_durations == [4, 6, 8]
    assert veo.supported_frame_images == ["first_frame", "last_frame"]
    assert "1280x720" in veo.supported_sizes and "1920x1080" in veo.supported_sizes
    assert veo.pricing_skus["per-video-second"] and veo.pricing_skus["per-video-second-1080p"]
    assert veo.generate_audio is True and veo.seed is True and veo.canonical_slug == veo.id
    assert models["kwaivgi/kling-v3.0-pro"].supported_sizes is None
    for model in models.values():
        assert model.supported_resolutions and model.supported_aspect_ratios and model.description
        assert all(isinstance(seconds, int) for seconds in model.supported_durations)
        assert all(isinstance(price, str) for price in model.pricing_skus.values())
        assert model.allowed_passthrough_parameters
        if model.id not in ("google/veo-3.1", "google/veo-3.1-fast"):
            assert model.supported_frame_images == ["first_frame"]


async def test_listing_needs_no_key_and_is_counted(emulator: Running):
    anonymous = sdk_client(emulator.url, api_key=None)
    assert len((await anonymous.video_generation.list_videos_models_async()).data) == len(EXPECTED_MODELS)
    async with httpx.AsyncClient(base_url=emulator.url) as plain:
        body = (await plain.get("/api/v1/videos/models")).json()
    assert {"id", "canonical_slug", "created", "creativity", "upscale_factor"} <= set(body["data"][0])
    assert (await emulator.stats())["requests"]["list_models"] == 2
