"""The fal adapter through fal-client against the emulator of fal's queue: submit, status with logs and progress,
result and download, cancel, extend, errors, and no blind retry of a create that may have arrived."""

from __future__ import annotations

import asyncio
import io

import av
import pytest

from sora2.providers.base import GenerationRequest, ProviderError
from sora2.providers.fal import progress_of, split_job
from tests.fixtures.media import png_bytes
from tests.providers_fal.helpers import KLING, VEO, RunningFal, adapter


async def _until_done(provider, job_id: str, timeout: float = 20.0):  # noqa: ANN001, ANN202
    seen = []
    for _ in range(int(timeout / 0.1)):
        job = await provider.get(job_id)
        seen.append(job)
        if job.status in ("completed", "failed", "cancelled"):
            return job, seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"{job_id} did not finish")


def _video_facts(data: bytes) -> tuple[int, int, float]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        return stream.width, stream.height, float(container.duration / 1e6)


async def test_text_to_video_submits_polls_and_downloads_an_mp4(settings, fal: RunningFal):
    provider = adapter(settings)
    try:
        job = await provider.create(GenerationRequest(model=VEO, prompt="a kite", size="1280x720", seconds="4",
                                                      aspect_ratio="16:9", resolution="720p"))
        assert job.status == "queued" and split_job(job.job_id)[0] == "fal-ai/veo3.1"
        done, seen = await _until_done(provider, job.job_id)
        assert done.status == "completed" and done.took_at_most is not None
        assert {j.status for j in seen} >= {"in_progress"}
        sink = io.BytesIO()
        await provider.download(job.job_id, "video", sink)
        width, height, seconds = _video_facts(sink.getvalue())
        assert (width, height) == (1280, 720) and abs(seconds - 4) < 0.6
        stored = fal.emulator._jobs[split_job(job.job_id)[1]]  # noqa: SLF001
        assert stored.endpoint == VEO  # text-to-video: the model's own endpoint
    finally:
        await provider.close()


async def test_images_choose_the_image_and_first_last_frame_endpoints(settings, fal: RunningFal):
    provider = adapter(settings)
    image = png_bytes(1280, 720)
    try:
        first = await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="4",
                                                        image_jpeg=image, aspect_ratio="16:9", resolution="720p"))
        both = await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="4",
                                                       image_jpeg=image, last_frame_jpeg=image, aspect_ratio="16:9",
                                                       resolution="720p"))
        kling = await provider.create(GenerationRequest(model=KLING, prompt="p", size="1280x720", seconds="5",
                                                        image_jpeg=image, last_frame_jpeg=image, aspect_ratio="16:9"))
        endpoints = [fal.emulator._jobs[split_job(j.job_id)[1]].endpoint for j in (first, both, kling)]  # noqa: SLF001
        assert endpoints == [f"{VEO}/image-to-video", f"{VEO}/first-last-frame-to-video",
                             "fal-ai/kling-video/v3/pro/image-to-video"]
    finally:
        await provider.close()


async def test_extend_continues_a_finished_request(settings, fal: RunningFal):
    provider = adapter(settings)
    try:
        original = await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="4",
                                                           aspect_ratio="16:9", resolution="720p"))
        await _until_done(provider, original.job_id)
        extension = await provider.create(GenerationRequest(model=VEO, prompt="more", size="1280x720", seconds="8",
                                                            previous_job_id=original.job_id, aspect_ratio="16:9",
                                                            resolution="720p"))
        stored = fal.emulator._jobs[split_job(extension.job_id)[1]]  # noqa: SLF001
        assert stored.endpoint == f"{VEO}/extend-video" and stored.previous == split_job(original.job_id)[1]
    finally:
        await provider.close()


async def test_cancel_stops_a_running_request_and_refuses_a_finished_one(settings, fal: RunningFal):
    await fal.faults(job_seconds=30)
    provider = adapter(settings)
    try:
        job = await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="4",
                                                      aspect_ratio="16:9", resolution="720p"))
        await provider.cancel(job.job_id)
        assert (await provider.get(job.job_id)).status == "cancelled"
        with pytest.raises(ProviderError) as refused:
            await provider.cancel(job.job_id)
        assert refused.value.kind == "rejected"
    finally:
        await provider.close()


async def test_bad_input_is_rejected_with_fals_message(settings, fal: RunningFal):
    provider = adapter(settings)
    try:
        with pytest.raises(ProviderError) as error:
            await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="5"))
        assert error.value.kind == "rejected" and "duration" in error.value.message
    finally:
        await provider.close()


async def test_a_wrong_key_fails_the_check_and_the_right_one_passes(settings, fal: RunningFal):
    good, bad = adapter(settings), adapter(settings, key="someone:else")
    try:
        assert VEO in (await good.check()).models
        with pytest.raises(ProviderError) as refused:
            await bad.check()
        assert refused.value.kind == "rejected" and "key" in refused.value.message
    finally:
        await good.close()
        await bad.close()


async def test_a_dropped_create_is_not_retried_by_fal_client(settings, fal: RunningFal):
    await fal.faults(error_rate=1.0, error_kinds=["reset"], operations=["submit"])
    provider = adapter(settings)
    try:
        with pytest.raises(ProviderError) as error:
            await provider.create(GenerationRequest(model=VEO, prompt="p", size="1280x720", seconds="4"))
        assert error.value.kind == "network"  # the outcome is unknown: never resubmitted blindly
        assert (await fal.stats())["requests"]["submit"] == 1
    finally:
        await provider.close()


async def test_rate_limits_and_outages_map_to_retryable_kinds(settings, fal: RunningFal):
    provider = adapter(settings)
    try:
        await fal.faults(error_rate=1.0, error_kinds=["500"], operations=["status"])
        with pytest.raises(ProviderError) as error:
            await provider.get("fal-ai/veo3.1/00000000-0000-0000-0000-000000000000")
        assert error.value.kind == "transient"
    finally:
        await provider.close()


def test_progress_comes_from_the_models_log_lines():
    assert progress_of([{"message": "loading"}, {"message": "Generating video: 42%"}]) == 42
    assert progress_of([{"message": "no percent here"}]) == 0
    assert progress_of(None) == 0
