"""Deliveries through the real app and tracker to a real receiver: signed the Standard Webhooks way (checked by
the reference library), retried after 500s and timeouts with one webhook-id, never again once acknowledged,
resent on request, and logged."""

from __future__ import annotations

import asyncio
import time

from tests.outbound.conftest import add_endpoint, deliveries
from tests.outbound.receiver import running_receiver
from tests.videos.helpers import create_video, wait_for_video


async def _settled(client, headers, endpoint_id: str, timeout: float = 20.0) -> list[dict]:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        rows = await deliveries(client, headers, endpoint_id)
        if rows and all(r["state"] != "pending" for r in rows):
            return rows
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.1)


async def test_a_completed_video_is_delivered_signed_and_verifiable(client, user_headers, receiver):
    endpoint = await add_endpoint(client, user_headers, receiver.url, description="CI")
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"] == [
        "video.cancelled", "video.completed", "video.failed"]
    video = await create_video(client, user_headers)
    await wait_for_video(client, user_headers, video["id"])
    [got] = await receiver.wait_for(1)
    payload = got.verified(endpoint["secret"])
    assert payload["type"] == "video.completed"
    assert (payload["data"]["id"], payload["data"]["download_state"]) == (video["id"], "done")
    assert payload["data"]["username"] == "alice" and "media" not in payload["data"]
    [row] = await _settled(client, user_headers, endpoint["id"])
    assert (row["state"], row["webhook_id"], row["attempts"]) == ("delivered", got.webhook_id, 1)
    assert [a["status_code"] for a in row["log"]] == [200]


async def test_500s_and_timeouts_are_retried_with_the_same_webhook_id(client, user_headers):
    async with running_receiver(500, "hang", 503) as receiver:
        endpoint = await add_endpoint(client, user_headers, receiver.url, events=["video.completed"])
        video = await create_video(client, user_headers)
        await wait_for_video(client, user_headers, video["id"])
        got = await receiver.wait_for(4)
        assert len({r.webhook_id for r in got}) == 1
        stamps = [int(r.headers["webhook-timestamp"]) for r in got]
        assert stamps == sorted(stamps)  # each attempt signs anew
        for attempt in got:
            assert attempt.verified(endpoint["secret"])["data"]["id"] == video["id"]
        [row] = await _settled(client, user_headers, endpoint["id"])
    assert (row["state"], row["attempts"]) == ("delivered", 4)
    assert [(a["status_code"], a["error"]) for a in reversed(row["log"])] == [
        (500, "HTTP 500"), (None, "Timed out"), (503, "HTTP 503"), (200, None)]


async def test_a_delivery_gives_up_after_the_schedule_and_can_be_resent(client, user_headers, ctx):
    async with running_receiver(500, 500, 500, 500) as receiver:
        endpoint = await add_endpoint(client, user_headers, receiver.url)
        video = await create_video(client, user_headers)
        await wait_for_video(client, user_headers, video["id"])
        [row] = await _settled(client, user_headers, endpoint["id"])
        assert (row["state"], row["attempts"], row["last_status"]) == ("failed", 4, 500)  # 1 + three retries
        assert len(receiver.received) == 4
        resent = await client.post(f"/api/outbound-webhooks/deliveries/{row['id']}/resend", headers=user_headers)
        assert resent.status_code == 200
        got = await receiver.wait_for(5)
        [row] = await _settled(client, user_headers, endpoint["id"])
    assert got[-1].webhook_id == got[0].webhook_id
    assert row["state"] == "delivered" and row["log"][0]["manual"] is True


async def test_nothing_is_sent_again_once_acknowledged(client, user_headers, receiver, ctx):
    endpoint = await add_endpoint(client, user_headers, receiver.url)
    video = await create_video(client, user_headers)
    await wait_for_video(client, user_headers, video["id"])
    await receiver.wait_for(1)
    await _settled(client, user_headers, endpoint["id"])
    # The bus and the sweep both announce again: the outbox has the event, so no second delivery is made.
    assert await ctx.outbound.announce(video["id"]) == 0
    assert await ctx.outbound.sweep() == 0
    await asyncio.sleep(0.5)
    assert len(receiver.received) == 1


async def test_a_failed_video_is_announced_as_video_failed(client, user_headers, receiver, emulator_headers):
    await client.post("/emulator/_emulator/faults", json={"fail_rate": 1.0}, headers=emulator_headers)
    endpoint = await add_endpoint(client, user_headers, receiver.url, events=["video.failed"])
    video = await create_video(client, user_headers)
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "failed"
    [got] = await receiver.wait_for(1)
    payload = got.verified(endpoint["secret"])
    assert (payload["type"], payload["data"]["error_message"]) == ("video.failed", done["error_message"])


async def test_endpoints_hear_only_their_owner_unless_instance_wide(client, admin_headers, user_headers):
    async with running_receiver() as mine, running_receiver() as everyone, running_receiver() as admins_own:
        await add_endpoint(client, user_headers, mine.url)
        forbidden = await client.post("/api/outbound-webhooks", json={"url": everyone.url, "instance_wide": True},
                                      headers=user_headers)
        assert forbidden.status_code == 403
        shared = await add_endpoint(client, admin_headers, everyone.url, instance_wide=True)
        await add_endpoint(client, admin_headers, admins_own.url)
        video = await create_video(client, user_headers)
        await wait_for_video(client, user_headers, video["id"])
        await mine.wait_for(1)
        await everyone.wait_for(1)
        await asyncio.sleep(0.5)
        assert admins_own.received == []
        assert mine.received[0].webhook_id == everyone.received[0].webhook_id  # one event, two endpoints
    listed = (await client.get("/api/outbound-webhooks", headers=user_headers)).json()["endpoints"]
    assert [e["url"] for e in listed] == [mine.url]
    assert (await client.get(f"/api/outbound-webhooks/{shared['id']}/deliveries",
                             headers=user_headers)).status_code == 404
    instance = (await client.get("/api/admin/outbound-webhooks", headers=admin_headers)).json()["endpoints"]
    assert [e["id"] for e in instance] == [shared["id"]]


async def test_a_disabled_endpoint_hears_nothing_and_a_deleted_one_is_gone(client, user_headers, receiver):
    endpoint = await add_endpoint(client, user_headers, receiver.url)
    paused = await client.patch(f"/api/outbound-webhooks/{endpoint['id']}", json={"enabled": False},
                                headers=user_headers)
    assert paused.status_code == 200 and paused.json()["enabled"] is False
    video = await create_video(client, user_headers)
    await wait_for_video(client, user_headers, video["id"])
    await asyncio.sleep(0.5)
    assert receiver.received == []
    assert (await client.delete(f"/api/outbound-webhooks/{endpoint['id']}", headers=user_headers)).status_code == 200
    assert (await client.get("/api/outbound-webhooks", headers=user_headers)).json()["endpoints"] == []
