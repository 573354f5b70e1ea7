"""Refusals the SDK surfaces as typed errors: 400s that name the field and the allowed values, 401, 413."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openrouter import errors

from tests.emulator_openrouter.helpers import Running, frame_image, image_bytes, sdk_client

VEO = "google/veo-3.1"


async def _bad_request(emulator: Running, **fields: Any) -> str:
    with pytest.raises(errors.BadRequestResponseError) as error:
        await emulator.videos.generate_async(**fields)
    assert error.value.status_code == 400 and error.value.data.error.code == 400
    return error.value.data.error.message


@pytest.mark.parametrize(("fields", "expected"), [
    ({"model": "openai/sora-2-pro"}, ["model", "google/veo-3.1", "minimax/hailuo-2.3"]),
    ({"model": VEO, "duration": 5}, ["duration", "4, 6, 8"]),
    ({"model": VEO, "resolution": "480p"}, ["resolution", "720p, 1080p, 4K"]),
    ({"model": VEO, "aspect_ratio": "1:1"}, ["aspect_ratio", "16:9, 9:16"]),
    ({"model": VEO, "size": "720x720"}, ["size", "1280x720", "1920x1080"]),
    ({"model": "kwaivgi/kling-v3.0-pro", "size": "1920x1080"}, ["size", "not supported", "resolution"]),
    ({"model": "alibaba/wan-2.7", "creativity": 3}, ["creativity"]),
])
async def test_out_of_set_values_name_the_field_and_the_choices(emulator: Running, fields: dict,
                                                                 expected: list):
    message = await _bad_request(emulator, prompt="p", **fields)
    for fragment in expected:
        assert fragment in message, message


async def test_frame_images_the_model_does_not_take(emulator: Running):
    message = await _bad_request(emulator, model="kwaivgi/kling-v3.0-pro", prompt="p",
                                 frame_images=[frame_image(image_bytes(8, 8, (0, 0, 0)), "last_frame")])
    assert "frame_images[0].frame_type" in message and "first_frame" in message


async def test_remote_image_urls_cannot_be_fetched_offline(emulator: Running):
    message = await _bad_request(emulator, model=VEO, prompt="p", frame_images=[
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"},
         "frame_type": "first_frame"}])
    assert "frame_images[0].image_url.url" in message and "offline" in message


async def test_an_image_that_does_not_decode_is_refused(emulator: Running):
    bogus = {"type": "image_url", "image_url": {"url": "data:image/png;base64,aGVsbG8="},
             "frame_type": "first_frame"}
    assert "frame_images[0]" in await _bad_request(emulator, model=VEO, prompt="p", frame_images=[bogus])


async def test_prompt_is_required_without_a_first_frame(emulator: Running):
    assert "prompt" in await _bad_request(emulator, model=VEO)


async def test_refusals_create_no_job(emulator: Running):
    await _bad_request(emulator, model=VEO, prompt="p", duration=3)
    stats = await emulator.stats()
    assert stats["jobs_created"] == 0 and stats["requests"]["create"] == 1


async def test_a_body_over_50_mib_is_413(emulator: Running):
    huge = "data:image/png;base64," + "A" * (50 * 1024 * 1024)
    with pytest.raises(errors.PayloadTooLargeResponseError) as error:
        await emulator.videos.generate_async(model=VEO, prompt="p", frame_images=[
            {"type": "image_url", "image_url": {"url": huge}, "frame_type": "first_frame"}])
    assert error.value.status_code == 413 and "50 MiB" in error.value.data.error.message
    assert (await emulator.stats())["jobs_created"] == 0


async def test_wrong_or_missing_key_is_401(emulator: Running):
    with pytest.raises(errors.UnauthorizedResponseError):
        wrong_key = sdk_client(emulator.url, api_key="sk-or-wrong")
        await wrong_key.video_generation.generate_async(model=VEO, prompt="p")
    async with httpx.AsyncClient(base_url=emulator.url) as anonymous:
        response = await anonymous.get("/api/v1/videos/gen-vid-1-x")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 401, "message": "No auth credentials found",
                                         "metadata": None}}


async def test_unknown_job_is_404(emulator: Running):
    with pytest.raises(errors.NotFoundResponseError):
        await emulator.videos.get_generation_async(job_id="gen-vid-0-doesnotexist")
