"""Webhook-driven completion: with an https public URL and the signing secret, jobs carry a callback_url, polling
waits 60 s, and the emulator's signed webhook makes the tracker finish the job at once."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from sora2.config import Settings
from tests.emulator_openrouter.helpers import Running
from tests.providers_openrouter.helpers import MODEL, WEBHOOK_SECRET, until
from tests.videos.helpers import wait_for_video


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": "https://studio.test",
                                       "openrouter_webhook_secret": SecretStr(WEBHOOK_SECRET),
                                       "openrouter_webhook_poll_seconds": 60.0})


async def _run_one(client, user_headers, openrouter: Running) -> tuple[dict, float]:  # noqa: ANN001
    started = time.monotonic()
    body = {"prompt": "a kite, notified", "model": MODEL, "seconds": "4", "aspect_ratio": "16:9"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    done = await wait_for_video(client, user_headers, video["id"], timeout=30)
    return done, time.monotonic() - started


async def test_a_signed_webhook_completes_the_job_long_before_the_next_poll(client, user_headers,
                                                                          openrouter: Running):
    done, elapsed = await _run_one(client, user_headers, openrouter)
    assert done["status"] == "completed" and done["download_state"] == "done", done
    assert done["actual_cost"] == pytest.approx(0.4)
    assert elapsed < 20  # the next poll was 60 s away: only the webhook can have finished it
    stats = await openrouter.stats()
    assert stats["webhooks_sent"] == 1
    assert stats["requests"] == {"list_models": 1, "create": 1, "retrieve": 1, "content": 1}
    job = openrouter.emulator._jobs[done["provider_video_id"]]  # noqa: SLF001
    assert job.callback_url == f"https://studio.test/api/webhooks/openrouter?video={done['id']}"


async def test_a_job_whose_create_answer_was_lost_is_adopted_when_its_webhook_arrives(client, user_headers,
                                                                                     openrouter: Running):
    # OpenRouter has no job list and no idempotency: the video is shown unconfirmed ("may have been charged")
    # at once, and the job's own webhook, carrying our video id in its callback URL, brings it back.
    await openrouter.faults(lost_response_rate=1.0, job_seconds=20.0)  # long enough to be seen unconfirmed
    body = {"prompt": "a kite, answer lost", "model": MODEL, "seconds": "4", "aspect_ratio": "16:9"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    seen = await until(lambda: _state_of(client, user_headers, video["id"], "unconfirmed"), timeout=18)
    assert seen["billing"] == "possible" and seen["provider_video_id"] is None, seen
    await wait_for_video(client, user_headers, video["id"], timeout=60,
                         done=lambda v: v["state"] == "completed" and v["download_state"] == "done")
    stats = await openrouter.stats()
    assert stats["requests"]["create"] == 1 and stats["webhooks_sent"] == 1, stats


async def _state_of(client, headers, video_id: str, state: str) -> dict | None:  # noqa: ANN001
    video = (await client.get(f"/api/videos/{video_id}", headers=headers)).json()
    return video if video["state"] == state else None


async def test_duplicate_deliveries_act_once(client, user_headers, openrouter: Running):
    await openrouter.faults(webhook_duplicate=True)
    done, _ = await _run_one(client, user_headers, openrouter)
    assert done["status"] == "completed", done
    stats = await until(lambda: _sent(openrouter, 2), timeout=5)
    assert stats["requests"]["retrieve"] == 1  # the second delivery was recognised and dropped


async def _sent(openrouter: Running, count: int) -> dict | None:
    stats = await openrouter.stats()
    return stats if stats["webhooks_sent"] >= count else None
