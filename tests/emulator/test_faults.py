"""Injected faults: what the SDK sees, that they fire before any state change, and that the dice are seeded."""

from __future__ import annotations

import time

import httpx
import openai
import pytest

from tests.emulator.helpers import Emulator, make_config, running_emulator, sdk_client, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API is scheduled:DeprecationWarning")


async def test_429_carries_retry_after_and_creates_nothing(emulator: Emulator):
    await emulator.faults(error_rate=1.0, error_kinds=["429"], retry_after_seconds=2)
    with pytest.raises(openai.RateLimitError) as error:
        await emulator.client.videos.create(prompt="p")
    assert error.value.response.headers["retry-after"] == "2"
    assert error.value.response.headers["retry-after-ms"] == "2000"
    assert error.value.code == "rate_limit_exceeded"
    stats = await emulator.stats()
    assert stats["faults_injected"]["429"] == 1 and stats["jobs_created"] == 0


async def test_sdk_retries_on_injected_faults_never_create_a_job(emulator: Emulator):
    await emulator.faults(error_rate=1.0, error_kinds=["429", "500"], retry_after_seconds=0.05)
    retrying = sdk_client(emulator.url, max_retries=2)
    with pytest.raises(openai.APIStatusError):
        await retrying.videos.create(prompt="p")
    await retrying.close()
    stats = await emulator.stats()
    assert stats["requests"]["create"] == 3 and stats["jobs_created"] == 0
    assert stats["faults_injected"]["429"] + stats["faults_injected"]["500"] == 3
    await emulator.http.delete("/_emulator/faults")
    assert (await emulator.client.videos.list()).data == []


async def test_500_is_an_internal_server_error(emulator: Emulator):
    await emulator.faults(error_rate=1.0, error_kinds=["500"])
    with pytest.raises(openai.InternalServerError) as error:
        await emulator.client.videos.list()
    assert error.value.status_code == 500 and error.value.type == "server_error"


async def test_timeout_stalls_until_the_client_gives_up(emulator: Emulator):
    await emulator.faults(error_rate=1.0, error_kinds=["timeout"], timeout_seconds=5)
    impatient = sdk_client(emulator.url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        await impatient.videos.create(prompt="p")
    assert 0.4 < time.monotonic() - started < 3
    await impatient.close()
    await emulator.faults(timeout_seconds=0.2)
    with pytest.raises(openai.InternalServerError) as error:  # a patient client gets a 504 and still no job
        await emulator.client.videos.create(prompt="p")
    assert error.value.status_code == 504
    assert (await emulator.stats())["jobs_created"] == 0


async def test_reset_drops_the_connection_mid_response(emulator: Emulator):
    await emulator.faults(error_rate=1.0, error_kinds=["reset"])
    with pytest.raises(openai.APIConnectionError):
        await emulator.client.videos.create(prompt="p")
    response_error = None
    try:
        await emulator.http.get("/v1/videos")
    except httpx.HTTPError as exc:
        response_error = exc
    assert isinstance(response_error, httpx.RemoteProtocolError)
    stats = await emulator.stats()
    assert stats["faults_injected"]["reset"] == 2 and stats["jobs_created"] == 0


async def test_faults_apply_only_to_the_chosen_operations(emulator: Emulator):
    video = await emulator.client.videos.create(prompt="p")
    await emulator.faults(error_rate=1.0, error_kinds=["500"], operations=["retrieve"])
    with pytest.raises(openai.InternalServerError):
        await emulator.client.videos.retrieve(video.id)
    assert [v.id for v in (await emulator.client.videos.list()).data] == [video.id]


async def test_the_seed_makes_the_fault_sequence_repeatable(emulator: Emulator):
    async def outcomes() -> list[int]:
        codes = []
        for _ in range(12):
            codes.append((await emulator.http.get("/v1/videos")).status_code)
        return codes

    await emulator.faults(error_rate=0.5, error_kinds=["429", "500"], seed=7)
    first = await outcomes()
    await emulator.faults(seed=7)
    assert await outcomes() == first
    assert 200 in first and set(first) - {200}, "a 0.5 rate gives a mix of served and failed calls"


async def test_fail_rate_ends_new_jobs_in_moderation_failure(emulator: Emulator):
    await emulator.faults(fail_rate=1.0)
    video = await emulator.client.videos.create(prompt="something forbidden")
    assert video.status == "queued"
    failed = await wait_for(emulator.client, video.id)
    assert failed.status == "failed" and failed.progress == 0
    assert (failed.error.code, failed.error.message) == ("moderation_blocked",
                                                         "Your request was blocked by our moderation system.")
    assert failed.completed_at is None and failed.expires_at is None
    with pytest.raises(openai.NotFoundError):
        await emulator.client.videos.download_content(video.id)
    assert (await emulator.stats())["jobs"]["failed"] == 1


async def test_job_seconds_knob_speeds_up_new_jobs(tmp_path):
    async with running_emulator(make_config(tmp_path / "slow", job_seconds=60)) as slow:
        await slow.faults(job_seconds=0.2)
        video = await slow.client.videos.create(prompt="quick")
        assert (await wait_for(slow.client, video.id, timeout=15)).status == "completed"


async def test_knobs_are_validated_readable_and_resettable(emulator: Emulator):
    bad = await emulator.http.post("/_emulator/faults", json={"error_rate": 2})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "error_rate"
    bad = await emulator.http.post("/_emulator/faults", json={"error_kinds": ["418"]})
    assert bad.status_code == 400
    await emulator.faults(error_rate=0.25, operations=["create"])
    knobs = (await emulator.http.get("/v1/_emulator/faults")).json()
    assert knobs["error_rate"] == 0.25 and knobs["operations"] == ["create"]
    reset = (await emulator.http.delete("/_emulator/faults")).json()
    assert reset["error_rate"] == 0.0 and len(reset["operations"]) == 6
