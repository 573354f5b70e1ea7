"""fal's signed webhooks: a valid one finishes the job at once; forged, tampered, stale and replayed deliveries
do nothing. Signatures are ED25519 checked against the emulator's JWKS key set (SORA2_FAL_JWKS_URL)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sora2.config import Settings
from sora2.emulator.fal.webhooks import Signer
from tests.providers_fal.helpers import VEO, RunningFal
from tests.videos.helpers import wait_for_video


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": "https://studio.test", "fal_webhook_poll_seconds": 60.0})


async def _create(client, headers) -> dict:  # noqa: ANN001
    body = {"prompt": "a kite, notified", "model": VEO, "seconds": "4", "aspect_ratio": "16:9"}
    response = await client.post("/api/videos", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_signed_webhook_completes_the_job_long_before_the_next_poll(client, user_headers, fal: RunningFal):
    started = time.monotonic()
    video = await _create(client, user_headers)
    done = await wait_for_video(client, user_headers, video["id"], timeout=30)
    assert done["status"] == "completed" and done["download_state"] == "done", done
    assert time.monotonic() - started < 20  # the next poll was 60 s away: only the webhook can have finished it
    stats = await fal.stats()
    assert stats["webhooks_sent"] == 1 and stats["requests"]["status"] <= 3
    job = fal.emulator._jobs[done["provider_video_id"].rsplit("/", 1)[1]]  # noqa: SLF001
    assert job.webhook_url == f"https://studio.test/api/webhooks/fal?video={video['id']}"


async def test_a_forged_signature_is_refused_and_the_job_waits_for_its_poll(client, user_headers, fal: RunningFal):
    await fal.faults(webhook_forged=True)
    video = await _create(client, user_headers)
    await _job_id(client, user_headers, video["id"])
    await _settled(fal)
    stats = await fal.stats()
    assert stats["webhooks_sent"] == 0 and stats["webhooks_failed"] >= 1  # every delivery answered 401
    current = (await client.get(f"/api/videos/{video['id']}", headers=user_headers)).json()
    assert current["status"] in ("queued", "in_progress")  # nothing acted on the forged notice


def _delivery(signer: Signer, request_id: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"request_id": request_id, "gateway_request_id": request_id, "status": "OK",
                       "payload": {}}).encode()
    headers = signer.headers(request_id, body, int(time.time()) if timestamp is None else timestamp)
    return body, {"content-type": "application/json", **headers}


async def test_tampered_stale_and_unsigned_deliveries_are_refused(client, fal: RunningFal):
    signer = fal.emulator.signer
    body, headers = _delivery(signer, "0b0e4c5e-0000-4000-8000-000000000001")
    tampered = body.replace(b'"OK"', b'"ERROR"')
    assert (await client.post("/api/webhooks/fal", content=tampered, headers=headers)).status_code == 401
    stale_body, stale = _delivery(signer, "0b0e4c5e-0000-4000-8000-000000000002", int(time.time()) - 3600)
    assert (await client.post("/api/webhooks/fal", content=stale_body, headers=stale)).status_code == 401
    assert (await client.post("/api/webhooks/fal", content=body,
                              headers={"content-type": "application/json"})).status_code == 401
    other = Signer(Ed25519PrivateKey.generate())
    forged_body, forged = _delivery(other, "0b0e4c5e-0000-4000-8000-000000000003")
    assert (await client.post("/api/webhooks/fal", content=forged_body, headers=forged)).status_code == 401


async def test_a_replayed_delivery_acts_once(client, user_headers, fal: RunningFal, ctx):
    await fal.faults(job_seconds=30)
    video = await _create(client, user_headers)
    job_id = await _job_id(client, user_headers, video["id"])
    request_id = job_id.rsplit("/", 1)[1]
    body, headers = _delivery(fal.emulator.signer, request_id)
    url = f"/api/webhooks/fal?video={video['id']}"
    first = await client.post(url, content=body, headers=headers)
    assert first.status_code == 204
    polls = (await fal.stats())["requests"]["status"]
    for _ in range(3):  # the very same bytes again, as an attacker or a retrying sender would
        assert (await client.post(url, content=body, headers=headers)).status_code == 204
    await asyncio.sleep(1.0)  # time for any poll a replay would have caused
    assert (await fal.stats())["requests"]["status"] <= polls + 1  # the replays caused no extra polls


async def _job_id(client, headers, video_id: str) -> str:  # noqa: ANN001
    video = await wait_for_video(client, headers, video_id, done=lambda v: bool(v["provider_video_id"]), timeout=10)
    return video["provider_video_id"]


async def _settled(fal: RunningFal, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while (await fal.stats())["webhooks_pending"]:
        assert time.monotonic() < deadline, "webhooks still pending"
        await asyncio.sleep(0.1)

