"""POST /api/webhooks/openrouter with hand-signed bodies: only a fresh, valid signature makes the tracker act,
and a replayed delivery acts once. Webhooks are on (https public URL + secret), so polling waits 60 s."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from sora2.config import Settings
from sora2.webhooks.signature import SignatureError, sign, verify
from tests.emulator_openrouter.helpers import Running
from tests.providers_openrouter.helpers import MODEL, WEBHOOK_SECRET, completed_event, signed, until

URL = "/api/webhooks/openrouter"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": "https://studio.test",
                                       "openrouter_webhook_secret": SecretStr(WEBHOOK_SECRET),
                                       "openrouter_webhook_poll_seconds": 60.0})


async def _submitted_job(client, user_headers, openrouter: Running) -> str:  # noqa: ANN001
    await openrouter.faults(job_seconds=120)  # stays in progress for the whole test
    body = {"prompt": "a slow sunrise", "model": MODEL, "seconds": "4", "aspect_ratio": "16:9"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()

    async def job_id():  # noqa: ANN202
        record = (await client.get(f"/api/videos/{video['id']}", headers=user_headers)).json()
        return record["provider_video_id"]
    return await until(job_id, timeout=15)


async def _polls(openrouter: Running) -> int:
    return (await openrouter.stats())["requests"]["retrieve"]


async def test_only_a_valid_fresh_signature_triggers_a_poll_and_a_replay_acts_once(client, user_headers,
                                                                                  openrouter: Running):
    job_id = await _submitted_job(client, user_headers, openrouter)
    event = completed_event(job_id)
    body, headers = signed(event)
    now = int(time.time())  # 30 s past the 300 s window either way: a busy machine may take seconds to answer
    refused = [
        ({**headers, "X-OpenRouter-Signature": sign("wrong-secret", body)}, body),  # bad signature
        ({**headers, "X-OpenRouter-Signature": sign(WEBHOOK_SECRET, body, now - 330)}, body),  # stale: older than 300 s
        ({**headers, "X-OpenRouter-Signature": sign(WEBHOOK_SECRET, body, now + 330)}, body),  # from the future
        ({k: v for k, v in headers.items() if k != "X-OpenRouter-Signature"}, body),  # unsigned
        ({**headers, "X-OpenRouter-Signature": "t=oops"}, body),  # malformed
        (headers, body.replace(b"completed", b"cancelled")),  # body changed after signing
    ]
    for bad_headers, bad_body in refused:
        response = await client.post(URL, content=bad_body, headers=bad_headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "Invalid webhook signature"
    await asyncio.sleep(0.5)
    assert await _polls(openrouter) == 0  # nothing reached the tracker

    response = await client.post(URL, content=body, headers=headers)
    assert response.status_code == 204 and response.content == b""
    await until(lambda: _polled(openrouter, 1), timeout=5)

    # The same delivery again (a retrying sender, or a replay inside the 300 s window): accepted, not acted on.
    again_body, again_headers = signed(event)
    assert (await client.post(URL, content=again_body, headers=again_headers)).status_code == 204
    assert (await client.post(URL, content=body, headers=headers)).status_code == 204
    await asyncio.sleep(1.0)
    assert await _polls(openrouter) == 1


async def _polled(openrouter: Running, count: int) -> bool:
    return await _polls(openrouter) >= count


async def test_unknown_jobs_and_payloads_without_an_id(client):
    body, headers = signed(completed_event("gen-vid-0-notours"))
    assert (await client.post(URL, content=body, headers=headers)).status_code == 204
    body, headers = signed({"type": "video.generation.completed", "data": {}})
    response = await client.post(URL, content=body, headers=headers)
    assert response.status_code == 400 and "data.id" in response.json()["error"]


async def test_secrets_never_reach_the_log(client, caplog):
    body, headers = signed(completed_event("gen-vid-1"), secret="attacker")
    with caplog.at_level("INFO"):
        assert (await client.post(URL, content=body, headers=headers)).status_code == 401
    text = caplog.text
    assert "signature mismatch" in text
    assert WEBHOOK_SECRET not in text and headers["X-OpenRouter-Signature"] not in text


def test_signature_scheme():
    body = b'{"a":1}'
    header = sign("s3cret", body, 1_700_000_000)
    verify("s3cret", header, body, now=1_700_000_100)
    verify("s3cret", f"{header},v1=deadbeef", body, now=1_700_000_000)  # several signatures: one must match
    for bad, now in ((header, 1_700_000_301), ("v1=abc", 1_700_000_000), ("", 1_700_000_000)):
        with pytest.raises(SignatureError):
            verify("s3cret", bad, body, now=now)
