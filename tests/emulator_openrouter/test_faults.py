"""Injected faults as the SDK sees them (typed errors, retry-after): fired before any change, and counted."""

from __future__ import annotations

import time

import httpx
import pytest
from openrouter import errors
from openrouter.utils import BackoffStrategy, RetryConfig

from tests.emulator_openrouter.helpers import Running, sdk_client

VEO = "google/veo-3.1-fast"


async def test_429_is_typed_and_carries_retry_after(emulator: Running):
    await emulator.faults(error_rate=1.0, error_kinds=["429"], retry_after_seconds=2)
    with pytest.raises(errors.TooManyRequestsResponseError) as error:
        await emulator.videos.generate_async(model=VEO, prompt="p")
    assert error.value.status_code == 429 and error.value.headers["retry-after"] == "2"
    assert error.value.data.error.code == 429
    stats = await emulator.stats()
    assert stats["faults_injected"]["429"] == 1 and stats["jobs_created"] == 0


async def test_402_insufficient_credits(emulator: Running):
    await emulator.faults(error_rate=1.0, error_kinds=["402"])
    with pytest.raises(errors.PaymentRequiredResponseError) as error:
        await emulator.videos.generate_async(model=VEO, prompt="p")
    assert error.value.status_code == 402 and "Insufficient credits" in error.value.data.error.message
    assert (await emulator.stats())["jobs_created"] == 0


async def test_500_and_503_are_typed_and_sdk_retries_never_create_a_job(emulator: Running):
    await emulator.faults(error_rate=1.0, error_kinds=["500"])
    with pytest.raises(errors.InternalServerResponseError):
        await emulator.videos.generate_async(model=VEO, prompt="p")
    await emulator.faults(error_kinds=["503"])
    with pytest.raises(errors.ServiceUnavailableResponseError):
        await emulator.videos.generate_async(model=VEO, prompt="p")
    # The SDK's own retries (on by default for 5XX) meet the same fault each time and still make no job.
    quick_backoff = RetryConfig("backoff", BackoffStrategy(10, 20, 1.5, 150), True)
    retrying = sdk_client(emulator.url, retry_config=quick_backoff)
    with pytest.raises(errors.ServiceUnavailableResponseError):
        await retrying.video_generation.generate_async(model=VEO, prompt="p")
    stats = await emulator.stats()
    assert stats["requests"]["create"] >= 4 and stats["jobs_created"] == 0


async def test_faults_apply_only_to_the_chosen_operations(emulator: Running):
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    await emulator.faults(error_rate=1.0, error_kinds=["500"], operations=["retrieve"])
    with pytest.raises(errors.InternalServerResponseError):
        await emulator.videos.get_generation_async(job_id=job.id)
    assert (await emulator.videos.list_videos_models_async()).data
    stats = await emulator.stats()
    assert stats["requests"] == {"list_models": 1, "create": 1, "retrieve": 1, "content": 0}
    assert stats["faults_injected"]["500"] == 1


async def test_timeout_stalls_until_the_client_gives_up(emulator: Running):
    await emulator.faults(error_rate=1.0, error_kinds=["timeout"], timeout_seconds=5)
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        await sdk_client(emulator.url, timeout_ms=500).video_generation.generate_async(model=VEO, prompt="p")
    assert 0.4 < time.monotonic() - started < 3
    assert (await emulator.stats())["jobs_created"] == 0


async def test_reset_drops_the_connection(emulator: Running):
    await emulator.faults(error_rate=1.0, error_kinds=["reset"])
    with pytest.raises(httpx.TransportError):
        await emulator.videos.generate_async(model=VEO, prompt="p")
    assert (await emulator.stats())["faults_injected"]["reset"] == 1


async def test_unknown_knobs_and_kinds_are_refused_with_the_api_envelope(emulator: Running):
    response = await emulator.http.post("/_emulator/faults", json={"error_kinds": ["418"]})
    assert response.status_code == 400 and "418" in response.json()["error"]["message"]
    response = await emulator.http.post("/api/v1/_emulator/faults", json={"webhook_duplicate": "yes"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 400
    assert (await emulator.http.delete("/_emulator/faults")).json()["operations"] == [
        "list_models", "create", "retrieve", "content"]


async def test_fail_rate_ends_jobs_failed_with_a_moderation_message(emulator: Running):
    await emulator.faults(fail_rate=1.0)
    job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4)
    failed = await emulator.wait_for(job.id)
    assert failed.status == "failed" and "Content policy violation" in failed.error
    assert failed.unsigned_urls is None and failed.usage is None
    with pytest.raises(errors.NotFoundResponseError):
        await emulator.videos.get_video_content_async(job_id=job.id)
    assert (await emulator.stats())["jobs"]["failed"] == 1
