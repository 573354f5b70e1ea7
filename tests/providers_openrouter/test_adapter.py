"""The adapter through the official SDK against the OpenRouter emulator: jobs, statuses, errors, content."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sora2.media import fit_image
from sora2.providers.base import GenerationRequest, ProviderError
from sora2.providers.openrouter import OpenRouterProvider
from tests.emulator_openrouter.helpers import Running, close_to, image_bytes, probe
from tests.providers_openrouter.helpers import MODEL, adapter, until

RED = (220, 30, 30)


@pytest.fixture
async def provider(settings, openrouter: Running) -> AsyncIterator[OpenRouterProvider]:
    provider = adapter(settings.model_copy(update={"openrouter_timeout_seconds": 1.0}))
    await provider.start()
    yield provider
    await provider.close()


def request(**fields) -> GenerationRequest:  # noqa: ANN003
    return GenerationRequest(**{"model": MODEL, "prompt": "a paper boat on a pond", "size": "1280x720",
                                "seconds": "4", "aspect_ratio": "16:9", "resolution": "720p", **fields})


async def finished(provider: OpenRouterProvider, job_id: str):  # noqa: ANN201
    async def done():  # noqa: ANN202
        job = await provider.get(job_id)
        return job if job.status in ("completed", "failed", "cancelled", "expired") else None
    return await until(done, timeout=30)


async def download(provider: OpenRouterProvider, job_id: str, path: Path) -> Path:
    sink = io.BytesIO()
    await provider.download(job_id, "video", sink)
    path.write_bytes(sink.getvalue())
    return path


async def test_text_job_to_mp4_with_cost_and_expiry(provider, openrouter: Running, tmp_path):
    job = await provider.create(request(seed=7, generate_audio=False))
    assert job.job_id.startswith("gen-vid-") or job.job_id
    assert job.status == "queued" and job.actual_cost is None and job.poll_after_seconds is None
    done = await finished(provider, job.job_id)
    assert done.status == "completed" and done.expires_at is not None
    assert done.actual_cost == pytest.approx(0.40)  # 4 s at 720p, the emulator's list price
    facts = probe(await download(provider, job.job_id, tmp_path / "out.mp4"))
    assert (facts.width, facts.height) == (1280, 720) and facts.seconds == pytest.approx(4, abs=0.5)
    stats = await openrouter.stats()
    assert stats["requests"]["create"] == 1 and stats["requests"]["content"] == 1


async def test_image_job_pins_the_first_frame(provider, tmp_path):
    first = fit_image(image_bytes(36, 64, RED), 720, 1280, "pad")
    job = await provider.create(request(size="720x1280", aspect_ratio="9:16", image_jpeg=first))
    assert (await finished(provider, job.job_id)).status == "completed"
    facts = probe(await download(provider, job.job_id, tmp_path / "image.mp4"))
    assert (facts.width, facts.height) == (720, 1280) and close_to(facts.first_rgb, RED, tolerance=40)


async def test_size_only_request_and_native_continuation(provider, openrouter: Running):
    job = await provider.create(request(aspect_ratio=None, resolution=None))  # sends size=1280x720
    assert (await finished(provider, job.job_id)).status == "completed"
    more = await provider.create(request(prompt="and then it sails away", previous_job_id=job.job_id))
    assert (await finished(provider, more.job_id)).status == "completed"
    assert openrouter.emulator._jobs[more.job_id].previous_job_id == job.job_id  # noqa: SLF001


async def test_a_bad_field_is_rejected_with_the_providers_message_naming_it(provider):
    with pytest.raises(ProviderError) as error:
        await provider.create(request(seconds="7"))
    assert error.value.kind == "rejected" and error.value.status_code == 400
    assert "duration" in error.value.message.lower()


@pytest.mark.parametrize(("kind", "expected", "words"), [
    ("402", "rejected", "out of credits"),
    ("429", "rate_limited", "rate limit"),
    ("500", "transient", "unavailable"),
    ("503", "transient", "unavailable"),
    ("reset", "network", "connection failed"),
    ("timeout", "network", "timed out"),
])
async def test_errors_are_mapped_for_the_tracker(provider, openrouter: Running, kind, expected, words):
    await openrouter.faults(error_rate=1.0, error_kinds=[kind], operations=["create"], retry_after_seconds=3,
                            timeout_seconds=5)
    with pytest.raises(ProviderError) as error:
        await provider.create(request())
    assert error.value.kind == expected and words in error.value.message.lower()
    if kind == "429":
        assert error.value.retry_after == 3
    assert (await openrouter.stats())["jobs_created"] == 0  # and the SDK retried nothing
    assert (await openrouter.stats())["requests"]["create"] == 1


async def test_cancelled_expired_and_unknown_jobs(provider, openrouter: Running, tmp_path):
    await openrouter.faults(job_seconds=30)
    cancelled, expired = await provider.create(request()), await provider.create(request())
    assert (await openrouter.http.post(f"/_emulator/jobs/{cancelled.job_id}/cancel")).status_code == 200
    assert (await openrouter.http.post(f"/_emulator/jobs/{expired.job_id}/expire")).status_code == 200
    assert (await provider.get(cancelled.job_id)).status == "cancelled"
    assert (await provider.get(expired.job_id)).status == "expired"
    with pytest.raises(ProviderError) as gone:
        await download(provider, expired.job_id, tmp_path / "gone.mp4")
    assert gone.value.kind in ("expired", "not_found")
    with pytest.raises(ProviderError) as unknown:
        await provider.get("gen-vid-0-unknown")
    assert unknown.value.kind == "not_found"


async def test_no_remix_no_thumbnails_and_delete_is_a_no_op(provider):
    assert not any(m.remix for m in provider.info.models)
    with pytest.raises(ProviderError) as remix:
        await provider.remix("gen-vid-x", "again", None)
    assert remix.value.kind == "rejected"
    with pytest.raises(ProviderError) as thumb:
        await provider.download("gen-vid-x", "thumbnail", io.BytesIO())
    assert thumb.value.kind == "not_found"
    await provider.delete("gen-vid-x")


async def test_webhooks_add_callback_url_and_a_long_poll_floor(settings, openrouter: Running):
    from pydantic import SecretStr

    hooked = adapter(settings.model_copy(update={"public_url": "https://studio.example/",
                                                 "openrouter_webhook_secret": SecretStr("s"),
                                                 "openrouter_webhook_poll_seconds": 75.0}))
    plain_http = adapter(settings.model_copy(update={"public_url": "http://studio.example",
                                                     "openrouter_webhook_secret": SecretStr("s")}))
    try:
        assert hooked.callback_url == "https://studio.example/api/webhooks/openrouter"
        assert plain_http.callback_url is None  # OpenRouter only calls https URLs
        await hooked.start()
        job = await hooked.create(request())
        assert job.poll_after_seconds == 75.0
        assert openrouter.emulator._jobs[job.job_id].callback_url == hooked.callback_url  # noqa: SLF001
    finally:
        await hooked.close()
        await plain_http.close()
