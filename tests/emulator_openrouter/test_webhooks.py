"""Webhooks to a real local HTTP receiver: envelope, idempotency key, signature (verified independently here),
retries, duplicates, and in-process delivery through an ASGI transport."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import httpx

from tests.emulator_openrouter.helpers import (Receiver, Running, make_config, running_emulator,
                                               running_receiver)
from tests.fixtures.live import free_port

SECRET = "whsec-emulator-test"
VEO = "google/veo-3.1-fast"


def verify_signature(headers: httpx.Headers, raw_body: bytes, secret: str = SECRET) -> bool:
    """The receiver's side of OpenRouter's documented scheme: t=<unix>,v1=hex(HMAC(secret, "t,body"))."""
    parts = dict(part.split("=", 1) for part in headers["x-openrouter-signature"].split(","))
    if abs(time.time() - int(parts["t"])) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']},".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


async def test_completed_webhook_is_signed_and_keyed(data_dir: Path):
    async with running_receiver() as receiver, \
            running_emulator(make_config(data_dir), webhook_secret=SECRET) as emulator:
        job = await emulator.videos.generate_async(model=VEO, prompt="p", duration=4,
                                                   callback_url=receiver.url)
        [(headers, raw)] = await receiver.wait_for(1)
        assert verify_signature(headers, raw) and not verify_signature(headers, raw, "other-secret")
        assert headers["x-openrouter-idempotency-key"] == f"{job.id}-completed"
        event = json.loads(raw)
        assert event["type"] == "video.generation.completed" and event["created_at"].endswith("Z")
        polled = await emulator.videos.get_generation_async(job_id=job.id)
        assert event["data"] == {"id": job.id, "status": "completed", "generation_id": polled.generation_id,
                                 "model": VEO, "unsigned_urls": polled.unsigned_urls,
                                 "usage": {"cost": polled.usage.cost, "is_byok": False}}
        stats = await emulator.webhooks_settled()
        assert (stats["webhooks_sent"], stats["webhooks_failed"]) == (1, 0)


async def test_failed_and_cancelled_jobs_notify_with_their_error(emulator_with_receiver):
    emulator, receiver = emulator_with_receiver
    await emulator.faults(fail_rate=1.0)
    failed = await emulator.videos.generate_async(model=VEO, prompt="p", callback_url=receiver.url)
    await emulator.faults(fail_rate=0.0)
    cancelled = await emulator.videos.generate_async(model=VEO, prompt="p", callback_url=receiver.url)
    await emulator.http.post(f"/_emulator/jobs/{cancelled.id}/cancel")
    events = {json.loads(raw)["data"]["id"]: (headers, json.loads(raw)) for headers, raw in
              await receiver.wait_for(2)}
    headers, event = events[failed.id]
    assert event["type"] == "video.generation.failed" and "Content policy" in event["data"]["error"]
    assert headers["x-openrouter-idempotency-key"] == f"{failed.id}-failed"
    assert "usage" not in event["data"] and "unsigned_urls" not in event["data"]
    headers, event = events[cancelled.id]
    assert event["type"] == "video.generation.cancelled" and event["data"]["error"] == "Job was cancelled"
    assert "x-openrouter-signature" not in headers  # no secret configured: unsigned, as OpenRouter does


async def test_non_2xx_answers_are_retried_and_duplicates_share_the_key(data_dir: Path):
    async with running_receiver(fail_first=2) as receiver, \
            running_emulator(make_config(data_dir)) as emulator:
        await emulator.faults(webhook_duplicate=True)
        job = await emulator.videos.generate_async(model=VEO, prompt="p", callback_url=receiver.url)
        deliveries = await receiver.wait_for(2)
        assert receiver.attempts == 4
        keys = [headers["x-openrouter-idempotency-key"] for headers, _ in deliveries]
        assert keys == [f"{job.id}-completed"] * 2
        stats = await emulator.webhooks_settled()
        assert (stats["webhooks_sent"], stats["webhooks_failed"], stats["webhooks_abandoned"]) == (2, 2, 0)


async def test_an_unreachable_receiver_is_given_up_on(emulator: Running):
    nobody = f"http://127.0.0.1:{free_port()}/nobody-home"
    await emulator.videos.generate_async(model=VEO, prompt="p", callback_url=nobody)
    stats = await emulator.webhooks_settled()
    assert (stats["webhooks_abandoned"], stats["webhooks_failed"], stats["webhooks_sent"]) == (1, 4, 0)


async def test_in_process_delivery_through_an_asgi_transport(data_dir: Path):
    receiver = Receiver()
    transport = httpx.ASGITransport(app=receiver.app())
    async with running_emulator(make_config(data_dir), webhook_secret=SECRET,
                                webhook_transport=transport) as emulator:
        job = await emulator.videos.generate_async(model=VEO, prompt="p",
                                                   callback_url="http://main.internal/hooks/openrouter")
        [(headers, raw)] = await receiver.wait_for(1)
        assert verify_signature(headers, raw) and json.loads(raw)["data"]["id"] == job.id
