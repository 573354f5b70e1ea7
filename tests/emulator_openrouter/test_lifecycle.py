"""The rest of a job's life: cancelled, expired (TTL or retention), content too early, continuations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openrouter import errors

from tests.emulator_openrouter.helpers import Running, close_to, frame_image, image_bytes, probe

VEO = "google/veo-3.1"
GREEN = (30, 200, 60)


async def test_content_before_completion_is_404_and_a_bad_index_is_400(emulator: Running):
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    with pytest.raises(errors.NotFoundResponseError) as error:
        await emulator.videos.get_video_content_async(job_id=job.id)
    assert "pending" in error.value.data.error.message or "in_progress" in error.value.data.error.message
    await emulator.wait_for(job.id)
    with pytest.raises(errors.BadRequestResponseError):
        await emulator.videos.get_video_content_async(job_id=job.id, index=1)


async def test_cancel_knob_makes_a_job_cancelled(emulator: Running):
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    response = await emulator.http.post(f"/_emulator/jobs/{job.id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    await asyncio.sleep(1.2)  # past the job time: it stays cancelled, it does not complete
    cancelled = await emulator.videos.get_generation_async(job_id=job.id)
    assert cancelled.status == "cancelled" and cancelled.error == "Job was cancelled"
    assert cancelled.usage is None and cancelled.unsigned_urls is None
    again = await emulator.http.post(f"/_emulator/jobs/{job.id}/cancel")
    assert again.status_code == 409
    assert (await emulator.stats())["jobs"]["cancelled"] == 1


async def test_expire_knob_on_an_unfinished_job_is_a_ttl_expiry(emulator: Running):
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    assert (await emulator.http.post(f"/_emulator/jobs/{job.id}/expire")).json()["status"] == "expired"
    expired = await emulator.videos.get_generation_async(job_id=job.id)
    assert expired.status == "expired" and expired.error == "Job exceeded maximum time to live"


async def test_expired_output_is_gone(emulator: Running):
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    await emulator.wait_for(job.id)
    await emulator.http.post(f"/_emulator/jobs/{job.id}/expire")
    expired = await emulator.videos.get_generation_async(job_id=job.id)
    assert expired.status == "expired" and expired.unsigned_urls is None
    assert expired.usage.cost == pytest.approx(0.40 * 4)  # it was charged when it completed
    with pytest.raises(errors.GoneResponseError):
        await emulator.videos.get_video_content_async(job_id=job.id)


async def test_early_expiry_knob_expires_completed_jobs(emulator: Running):
    await emulator.faults(expire_after_seconds=0.3)
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    await emulator.wait_for(job.id, statuses=("expired",))
    with pytest.raises(errors.GoneResponseError):
        await emulator.videos.get_video_content_async(job_id=job.id)
    assert not emulator.emulator.store.media_path(job.id, "video").exists()


async def test_previous_job_id_rules(emulator: Running):
    with pytest.raises(errors.NotFoundResponseError):
        await emulator.videos.generate_async(model=VEO, prompt="p", previous_job_id="gen-vid-0-missing")
    first = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    # The SDK maps no 409 for submit: it arrives as its catch-all error, with the status and our body.
    with pytest.raises(errors.OpenRouterDefaultError) as conflict:
        await emulator.videos.generate_async(model=VEO, prompt="more", previous_job_id=first.id)
    assert conflict.value.status_code == 409 and "only a completed job" in conflict.value.body
    await emulator.wait_for(first.id)
    with pytest.raises(errors.BadRequestResponseError) as error:
        await emulator.videos.generate_async(model="google/veo-3.1-fast", prompt="more",
                                             previous_job_id=first.id)
    assert "same model" in error.value.data.error.message
    assert (await emulator.stats())["jobs_created"] == 1


async def test_a_continuation_starts_from_the_previous_last_frame(emulator: Running, tmp_path: Path):
    first = await emulator.videos.generate_async(
        model=VEO, prompt="ends green", duration=4, aspect_ratio="9:16",
        frame_images=[frame_image(image_bytes(16, 16, GREEN), "last_frame")])
    await emulator.wait_for(first.id)
    extension = await emulator.videos.generate_async(model=VEO, prompt="and then", previous_job_id=first.id)
    done = await emulator.wait_for(extension.id)
    assert done.status == "completed" and done.usage.cost == pytest.approx(0.40 * 4)
    facts = probe(await emulator.download(extension.id, tmp_path / "extension.mp4"))
    assert (facts.width, facts.height, round(facts.seconds)) == (720, 1280, 4)  # inherited output
    assert close_to(facts.first_rgb, GREEN, tolerance=16)
