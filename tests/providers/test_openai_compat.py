"""The OpenAI-shaped adapter against the emulator: the same code path a real gateway would see."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import av
import httpx
import pytest

from sora2.emulator import EmulatorConfig, EmulatorService, create_emulator_app
from sora2.providers.base import GenerationRequest, ModelCapabilities, ProviderError, ProviderInfo
from sora2.providers.openai_compat import OpenAICompatProvider
from tests.fixtures.media import png_bytes

INFO = ProviderInfo(id="gw", name="gateway", models=(ModelCapabilities(
    id="sora-2", name="Sora 2", sizes=("720x1280",), durations=("4",), default_size="720x1280",
    default_duration="4", price_per_second={"720x1280": 0.1}),))


@pytest.fixture
async def emulator(tmp_path) -> AsyncIterator[EmulatorService]:
    service = EmulatorService(EmulatorConfig(data_dir=tmp_path / "emu", job_seconds=1.0, fps=8))
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def provider(emulator) -> AsyncIterator[OpenAICompatProvider]:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_emulator_app(emulator)),
                               base_url="http://gw/v1/", headers={"Authorization": "Bearer k"})
    adapter = OpenAICompatProvider(INFO, client, timeout=1.0)
    yield adapter
    await adapter.close()


async def _faults(provider: OpenAICompatProvider, **knobs) -> None:
    response = await provider._client.post("/_emulator/faults", json=knobs)  # noqa: SLF001
    assert response.status_code == 200, response.text


async def _until_done(provider: OpenAICompatProvider, job_id: str):  # noqa: ANN202
    for _ in range(100):
        job = await provider.get(job_id)
        if job.status in ("completed", "failed", "expired"):
            return job
        await asyncio.sleep(job.poll_after_seconds or 0.2)
    raise AssertionError("job did not finish")


async def test_create_poll_download_remix_delete(provider):
    job = await provider.create(GenerationRequest(model="sora-2", prompt="a snail racing", size="720x1280",
                                                  seconds="4", image_jpeg=None, idempotency_key="k1"))
    assert job.job_id.startswith("video_") and job.status in ("queued", "in_progress")
    done = await _until_done(provider, job.job_id)
    assert done.status == "completed" and done.expires_at is not None
    sink = io.BytesIO()
    await provider.download(job.job_id, "video", sink)
    with av.open(io.BytesIO(sink.getvalue())) as container:
        assert container.streams.video[0].codec_context.height == 1280
    remix = await provider.remix(job.job_id, "the snail wins", "k2")
    assert remix.job_id != job.job_id
    await provider.delete(job.job_id)
    with pytest.raises(ProviderError) as missing:
        await provider.get(job.job_id)
    assert missing.value.kind == "not_found"


async def test_same_idempotency_key_returns_the_same_job(provider):
    request = GenerationRequest(model="sora-2", prompt="p", size="720x1280", seconds="4", idempotency_key="same")
    first, second = await provider.create(request), await provider.create(request)
    assert first.job_id == second.job_id


async def test_image_reference_of_the_right_size_is_accepted_and_wrong_size_rejected(provider):
    from sora2.media import fit_image

    good = fit_image(png_bytes(100, 100), 720, 1280, "pad")
    job = await provider.create(GenerationRequest(model="sora-2", prompt="p", size="720x1280", seconds="4",
                                                  image_jpeg=good))
    assert job.job_id
    with pytest.raises(ProviderError) as rejected:
        await provider.create(GenerationRequest(model="sora-2", prompt="p", size="720x1280", seconds="4",
                                                image_jpeg=fit_image(png_bytes(), 64, 48, "pad")))
    assert rejected.value.kind == "rejected"
    assert rejected.value.message == "Inpaint image must match the requested width and height"


@pytest.mark.parametrize(("kind", "expected"), [("429", "rate_limited"), ("500", "transient"),
                                                ("timeout", "network"), ("reset", "network")])
async def test_fault_kinds_map_to_error_kinds(provider, kind, expected):
    await _faults(provider, error_rate=1.0, error_kinds=[kind], timeout_seconds=3)
    with pytest.raises(ProviderError) as error:
        await provider.create(GenerationRequest(model="sora-2", prompt="p", size="720x1280", seconds="4"))
    assert error.value.kind == expected
    if kind == "429":
        assert error.value.retry_after is not None and error.value.retry_after > 0


async def test_provider_validation_errors_keep_their_message(provider):
    with pytest.raises(ProviderError) as error:
        await provider.create(GenerationRequest(model="sora-2", prompt="p", size="1920x1080", seconds="4"))
    assert error.value.kind == "rejected" and "1920x1080" in error.value.message
