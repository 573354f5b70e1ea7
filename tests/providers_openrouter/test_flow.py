"""OpenRouter through the real app and tracker (polling; no webhooks): jobs to verified MP4s with the actual cost,
validation before anything is paid for, and the provider's failures as a user sees them."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from sora2.app import create_app
from sora2.media import verify_mp4
from sora2.media.store.keys import video_key
from tests.emulator_openrouter.helpers import Running
from tests.fixtures.media import png_bytes
from tests.providers_openrouter.helpers import MODEL
from tests.videos.helpers import wait_for_video


async def _create(client, headers, **fields) -> dict:  # noqa: ANN001
    body = {"prompt": "a red kite over green hills", "model": MODEL, "seconds": "4", **fields}
    response = await client.post("/api/videos", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_text_job_by_aspect_ratio_to_a_verified_mp4_with_its_actual_cost(client, user_headers, ctx,
                                                                              openrouter: Running):
    video = await _create(client, user_headers, aspect_ratio="9:16", resolution="720p", seed=3,
                          generate_audio=False)
    assert (video["provider"], video["size"], video["cost"], video["emulated"]) == ("openrouter", "720x1280", 0.4,
                                                                                      False)
    assert video["has_audio"] is False
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "completed" and done["download_state"] == "done", done
    assert done["actual_cost"] == pytest.approx(0.4) and done["cost"] == 0.4
    async with ctx.storage.local_copy(video_key(video["id"])) as mp4:
        info = verify_mp4(mp4, 720, 1280, 4.0)
    assert info.frame_count > 0
    assert done["media"]["thumbnail"] and done["media"]["spritesheet"]  # made locally: OpenRouter has none
    job = openrouter.emulator._jobs[done["provider_video_id"]]  # noqa: SLF001
    assert (job.aspect_ratio, job.resolution, job.seed, job.generate_audio) == ("9:16", "720p", 3, False)
    stats = await openrouter.stats()
    assert stats["requests"]["create"] == 1 and stats["requests"]["content"] == 1


async def test_image_job_by_size_pins_the_first_frame(client, user_headers, ctx, openrouter: Running):
    files = {"input_reference": ("ref.png", png_bytes(160, 90, (20, 200, 20)), "image/png")}
    data = {"prompt": "the green card flies", "model": "bytedance/seedance-2.0", "seconds": "4",
            "size": "854x480", "generate_audio": "false", "seed": "11"}  # 480p 16:9 by its nominal size
    response = await client.post("/api/videos", data=data, files=files, headers=user_headers)
    assert response.status_code == 200, response.text
    video = response.json()
    assert video["has_input_reference"] and video["cost"] == 0.2
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "completed" and done["download_state"] == "done", done
    job = openrouter.emulator._jobs[done["provider_video_id"]]  # noqa: SLF001
    assert job.has_first_frame and (job.aspect_ratio, job.resolution) == ("16:9", "480p")
    assert (job.seed, job.generate_audio, done["has_audio"]) == (11, False, False)
    assert done["actual_cost"] == pytest.approx(0.2)


@pytest.mark.parametrize(("fields", "message"), [
    ({"aspect_ratio": "4:3"}, "Aspect ratio '4:3' is not supported by google/veo-3.1-fast. Allowed: 16:9, 9:16"),
    ({"resolution": "4K"}, "Resolution '4K' is not supported by google/veo-3.1-fast. Allowed: 720p, 1080p"),
    ({"seconds": "5"}, "Duration '5' is not supported by google/veo-3.1-fast. Allowed: 4, 6, 8"),
    ({"size": "1920x1080", "aspect_ratio": "9:16"},
     "Size '1920x1080' does not match aspect ratio 9:16 at 1080p (1080x1920)"),
    ({"size": "1000x1000"}, "Size '1000x1000' is not supported by google/veo-3.1-fast. Allowed: 1280x720, "),
    ({"model": "minimax/hailuo-2.3", "seconds": "6", "seed": 5}, "minimax/hailuo-2.3 does not take a seed"),
    ({"model": "minimax/hailuo-2.3", "seconds": "6", "generate_audio": True}, "minimax/hailuo-2.3 makes no sound"),
    ({"model": "bytedance/seedance-2.0", "negative_prompt": "blur"}, "does not take a negative prompt"),
    ({"seed": "abc"}, "seed must be a whole number"),
])
async def test_invalid_requests_are_refused_before_any_provider_call(client, user_headers, openrouter: Running,
                                                                     fields, message):
    body = {"prompt": "x", "model": MODEL, "seconds": "4", **fields}
    response = await client.post("/api/videos", json=body, headers=user_headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith(message) or message in response.json()["error"]
    await asyncio.sleep(0.3)
    assert (await openrouter.stats())["requests"]["create"] == 0


async def test_last_frame_only_where_the_model_takes_one(client, user_headers, openrouter: Running):
    files = {"last_frame": ("end.png", png_bytes(64, 36), "image/png")}
    refused = await client.post("/api/videos", files=files, headers=user_headers, data={
        "prompt": "x", "model": "bytedance/seedance-2.0", "seconds": "4"})
    assert refused.status_code == 400 and "does not take a last frame" in refused.json()["error"]
    accepted = await client.post("/api/videos", files=files, headers=user_headers, data={
        "prompt": "ends on the card", "model": MODEL, "seconds": "4", "aspect_ratio": "16:9"})
    assert accepted.status_code == 200, accepted.text
    done = await wait_for_video(client, user_headers, accepted.json()["id"])
    assert done["status"] == "completed", done
    assert openrouter.emulator._jobs[done["provider_video_id"]].has_last_frame  # noqa: SLF001


async def test_out_of_credits_fails_the_video_in_words_without_a_retry(client, user_headers, openrouter: Running):
    await openrouter.faults(error_rate=1.0, error_kinds=["402"], operations=["create"])
    video = await _create(client, user_headers)
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "failed" and "OpenRouter account is out of credits" in done["error_message"]
    assert (await openrouter.stats())["requests"]["create"] == 1


async def test_rate_limits_back_off_and_the_job_is_created_once(client, user_headers, openrouter: Running):
    await openrouter.faults(error_rate=1.0, error_kinds=["429"], operations=["create"], retry_after_seconds=1)
    video = await _create(client, user_headers)
    for _ in range(100):
        if (await openrouter.stats())["faults_injected"]["429"] >= 2:
            break
        await asyncio.sleep(0.1)
    await openrouter.faults(error_rate=0.0)
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "completed" and done["download_state"] == "done", done
    stats = await openrouter.stats()
    assert stats["jobs_created"] == 1 and stats["faults_injected"]["429"] >= 2


async def test_cancelled_and_expired_jobs_fail_in_words(client, user_headers, openrouter: Running):
    await openrouter.faults(job_seconds=60)
    cancelled, expired = await _create(client, user_headers), await _create(client, user_headers)
    for video, action in ((cancelled, "cancel"), (expired, "expire")):
        record = await wait_for_video(client, user_headers, video["id"], done=lambda v: v["provider_video_id"])
        response = await openrouter.http.post(f"/_emulator/jobs/{record['provider_video_id']}/{action}")
        assert response.status_code == 200, response.text
        await client.post(f"/api/videos/{video['id']}/check-status", headers=user_headers)
    assert (await wait_for_video(client, user_headers, cancelled["id"]))["error_message"].startswith(
        "OpenRouter cancelled this job")
    assert (await wait_for_video(client, user_headers, expired["id"]))["error_message"].startswith(
        "OpenRouter expired this job before it finished")


async def test_a_user_who_cancels_an_accepted_job_is_told_it_may_still_be_charged(client, user_headers,
                                                                                  openrouter: Running):
    await openrouter.faults(job_seconds=60)
    video = await _create(client, user_headers)
    await wait_for_video(client, user_headers, video["id"], done=lambda v: v["provider_video_id"])
    cancelled = (await client.post(f"/api/videos/{video['id']}/cancel", headers=user_headers)).json()
    assert (cancelled["state"], cancelled["billing"]) == ("cancelled", "charged")
    assert cancelled["error_message"] == ("Cancelled. The provider had already accepted this job, so it may still "
                                          "charge for it.")


async def test_continue_extends_natively_through_previous_job_id(client, user_headers, openrouter: Running):
    original = await wait_for_video(client, user_headers, (await _create(client, user_headers))["id"])
    response = await client.post(f"/api/videos/{original['id']}/continue", json={"prompt": "the kite lands"},
                                 headers=user_headers)
    assert response.status_code == 200, response.text
    done = await wait_for_video(client, user_headers, response.json()["id"])
    assert done["status"] == "completed" and done["continued_from"] == original["id"], done
    job = openrouter.emulator._jobs[done["provider_video_id"]]  # noqa: SLF001
    assert job.previous_job_id == original["provider_video_id"] and not job.has_first_frame


async def test_remix_is_refused_in_words(client, user_headers):
    original = await wait_for_video(client, user_headers, (await _create(client, user_headers))["id"])
    response = await client.post(f"/api/videos/{original['id']}/remix", json={"prompt": "again"},
                                 headers=user_headers)
    assert response.status_code == 400 and response.json()["code"] == "remix_unsupported"


async def test_webhooks_are_refused_without_a_configured_secret(client):
    response = await client.post("/api/webhooks/openrouter", content=b'{"data":{"id":"x"}}',
                                 headers={"X-OpenRouter-Signature": "t=1,v1=00"})
    assert response.status_code == 401 and response.json()["code"] == "webhook_not_configured"


async def test_every_configured_provider_is_listed(settings, openrouter: Running):
    import httpx

    from tests.conftest import ADMIN_PASSWORD, login

    both = settings.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1", "openai_api_key": SecretStr("k"),
                                       "emulator_enabled": True})
    asgi = create_app(both)
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            headers = {"Authorization": f"Bearer {await login(http, 'admin', ADMIN_PASSWORD)}"}
            body = (await http.get("/api/providers", headers=headers)).json()
    providers = {p["id"]: p for p in body["providers"]}
    assert list(providers) == ["openai", "openrouter", "emulator"]
    assert body["default_provider"] == "openai"
    veo = next(m for m in providers["openrouter"]["models"] if m["id"] == MODEL)
    assert veo["aspect_ratios"] == ["16:9", "9:16"] and veo["resolutions"] == ["720p", "1080p"]
    assert veo["price_per_second_by_resolution"] == {"720p": 0.1, "1080p": 0.15}
    assert veo["frame_images"] == ["first_frame", "last_frame"] and veo["default_aspect_ratio"] == "16:9"
    assert veo["features"] == {"image_reference": True, "remix": False, "extend": True, "audio": True,
                               "audio_toggle": True, "last_frame": True, "seed": True, "negative_prompt": True}
    sora = providers["openai"]["models"][0]
    assert sora["aspect_ratios"] == [] and sora["features"]["seed"] is False  # old models: new fields, empty
