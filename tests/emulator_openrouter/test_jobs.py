"""Submit → poll → download through the SDK: real MP4s of the requested size and length, frames, cost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.emulator_openrouter.helpers import Running, close_to, frame_image, image_bytes, probe

RED, BLUE = (220, 30, 30), (30, 60, 220)


async def test_text_job_completes_with_a_real_mp4_of_the_requested_size(emulator: Running, tmp_path: Path):
    submitted = await emulator.videos.generate_async(
        model="google/veo-3.1-fast", prompt="a lighthouse at dusk", duration=4, resolution="720p",
        aspect_ratio="9:16", seed=7, generate_audio=False)
    assert submitted.status == "pending"
    assert re.fullmatch(r"gen-vid-\d+-[A-Za-z0-9]{20}", submitted.id)
    assert submitted.polling_url == f"{emulator.url}/api/v1/videos/{submitted.id}"
    seen = {(await emulator.videos.get_generation_async(job_id=submitted.id)).status}
    done = await emulator.wait_for(submitted.id)
    seen.add(done.status)
    assert done.status == "completed" and seen <= {"pending", "in_progress", "completed"}
    assert done.unsigned_urls == [f"{emulator.url}/api/v1/videos/{submitted.id}/content?index=0"]
    assert done.usage.cost == pytest.approx(0.10 * 4) and done.usage.is_byok is False
    assert done.generation_id.startswith("gen-") and done.expires_at > 0
    facts = probe(await emulator.download(submitted.id, tmp_path / "clip.mp4"))
    assert (facts.width, facts.height) == (720, 1280)
    assert facts.seconds == pytest.approx(4, abs=0.05)


async def test_size_wins_and_prices_the_matching_resolution(emulator: Running, tmp_path: Path):
    job = await emulator.videos.generate_async(model="bytedance/seedance-2.0", prompt="tall city", duration=4,
                                               resolution="720p", size="480x854")
    done = await emulator.wait_for(job.id)
    assert done.usage.cost == pytest.approx(0.05 * 4)  # the 480p sku, not 720p
    facts = probe(await emulator.download(job.id, tmp_path / "tall.mp4"))
    assert (facts.width, facts.height, round(facts.seconds)) == (480, 854, 4)


async def test_defaults_come_from_the_model(emulator: Running, tmp_path: Path):
    job = await emulator.videos.generate_async(model="minimax/hailuo-2.3", prompt="defaults")
    done = await emulator.wait_for(job.id)
    assert done.usage.cost == pytest.approx(0.045 * 6)
    facts = probe(await emulator.download(job.id, tmp_path / "default.mp4"))
    assert (facts.width, facts.height, round(facts.seconds)) == (1366, 768, 6)


async def test_frame_images_become_the_first_and_last_frames(emulator: Running, tmp_path: Path):
    first, last = image_bytes(300, 500, RED), image_bytes(64, 64, BLUE)  # any size: fitted to the output
    job = await emulator.videos.generate_async(
        model="google/veo-3.1", prompt="red to blue", duration=4, resolution="720p",
        frame_images=[frame_image(first, "first_frame"), frame_image(last, "last_frame")])
    assert (await emulator.wait_for(job.id)).status == "completed"
    facts = probe(await emulator.download(job.id, tmp_path / "frames.mp4"))
    assert (facts.width, facts.height) == (1280, 720)
    assert close_to(facts.first_rgb, RED) and close_to(facts.last_rgb, BLUE)


async def test_image_only_generation_needs_no_prompt(emulator: Running):
    job = await emulator.videos.generate_async(model="alibaba/wan-2.7", frame_images=[
        frame_image(image_bytes(32, 32, RED))])
    assert (await emulator.wait_for(job.id)).status == "completed"
