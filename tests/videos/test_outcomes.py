"""Cancel, retry, edit & retry, dismiss and estimate: explicit actions of the owner, never automatic."""

from __future__ import annotations

import asyncio

import pytest

from sora2.config import Settings
from tests.conftest import make_user
from tests.fixtures.media import png_bytes
from tests.videos.helpers import create_video, wait_for_video

DONE = {"done": lambda v: v["state"] == "completed" and v["download_state"] == "done"}


async def emulator_stats(client, emulator_headers) -> dict:  # noqa: ANN001
    return (await client.get("/emulator/_emulator/stats", headers=emulator_headers)).json()


async def set_knobs(client, emulator_headers, **knobs) -> None:  # noqa: ANN001
    response = await client.post("/emulator/_emulator/faults", json=knobs, headers=emulator_headers)
    assert response.status_code == 200, response.text


async def test_cancelling_a_running_job_stops_it_at_the_provider(client, user_headers, emulator_headers):
    await set_knobs(client, emulator_headers, job_seconds=30)
    video = await create_video(client, user_headers)
    await wait_for_video(client, user_headers, video["id"], done=lambda v: v["provider_video_id"] is not None)
    cancelled = (await client.post(f"/api/videos/{video['id']}/cancel", headers=user_headers)).json()
    assert cancelled["state"] == "cancelled" and cancelled["status"] == "failed", cancelled
    assert cancelled["billing"] == "charged"  # the provider accepted it; being the emulator, it charges nothing:
    assert cancelled["error_message"] == "Cancelled. The emulator simulated this job: nothing was charged."
    assert cancelled["estimated_completion_at"] is None
    for _ in range(100):  # the tracker deletes the job at the emulator (it has no cancel call)
        if (await emulator_stats(client, emulator_headers))["jobs_deleted"] == 1:
            break
        await asyncio.sleep(0.1)
    assert (await emulator_stats(client, emulator_headers))["jobs_deleted"] == 1
    again = (await client.get(f"/api/videos/{video['id']}", headers=user_headers)).json()
    assert again["state"] == "cancelled" and again["download_state"] is None, again
    refused = await client.post(f"/api/videos/{video['id']}/cancel", headers=user_headers)
    assert refused.status_code == 400 and refused.json()["code"] == "not_cancellable"


class TestNothingSent:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"emulator_concurrency": 0})  # every job waits in our own queue

    async def test_cancelling_a_queued_job_costs_nothing_and_it_is_never_sent(self, client, user_headers,
                                                                              emulator_headers):
        video = await create_video(client, user_headers)
        cancelled = (await client.post(f"/api/videos/{video['id']}/cancel", headers=user_headers)).json()
        assert cancelled["state"] == "cancelled" and cancelled["billing"] == "none", cancelled
        assert "nothing was charged" in cancelled["error_message"]
        await asyncio.sleep(1.0)
        assert (await emulator_stats(client, emulator_headers))["jobs_created"] == 0


async def test_retry_makes_a_new_linked_job_and_an_idempotency_key_makes_it_once(client, user_headers,
                                                                                emulator_headers):
    await set_knobs(client, emulator_headers, fail_rate=1.0)
    failed = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"])
    assert failed["state"] == "failed" and failed["billing"] == "charged", failed
    await set_knobs(client, emulator_headers, fail_rate=0.0)
    headers = {**user_headers, "Idempotency-Key": "retry-1"}
    first = (await client.post(f"/api/videos/{failed['id']}/retry", headers=headers)).json()
    second = (await client.post(f"/api/videos/{failed['id']}/retry", headers=headers)).json()
    assert first["id"] == second["id"] != failed["id"] and first["retry_of"] == failed["id"]
    assert (first["prompt"], first["size"], first["seconds"]) == (failed["prompt"], failed["size"], failed["seconds"])
    done = await wait_for_video(client, user_headers, first["id"], **DONE)
    assert done["retry_of"] == failed["id"]
    refused = await client.post(f"/api/videos/{done['id']}/retry", headers=user_headers)
    assert refused.status_code == 400 and refused.json()["code"] == "not_retryable"


async def test_edit_and_retry_changes_only_what_was_asked_and_keeps_the_reference(client, user_headers,
                                                                                emulator_headers):
    await set_knobs(client, emulator_headers, fail_rate=1.0)
    files = {"input_reference": ("ref.png", png_bytes(640, 360), "image/png")}
    data = {"prompt": "a lighthouse at dusk", "seconds": "4", "size": "1280x720"}
    made = (await client.post("/api/videos", data=data, files=files, headers=user_headers)).json()
    failed = await wait_for_video(client, user_headers, made["id"])
    await set_knobs(client, emulator_headers, fail_rate=0.0)
    edited = (await client.post(f"/api/videos/{failed['id']}/retry", headers=user_headers,
                                json={"prompt": "a lighthouse at dawn", "seconds": "8"})).json()
    assert edited["prompt"] == "a lighthouse at dawn" and edited["seconds"] == "8", edited
    assert edited["size"] == "1280x720" and edited["has_input_reference"] is True
    reshaped = (await client.post(f"/api/videos/{failed['id']}/retry", headers=user_headers,
                                  json={"size": "720x1280"})).json()
    assert reshaped["size"] == "720x1280" and reshaped["has_input_reference"] is True, reshaped
    bad = await client.post(f"/api/videos/{failed['id']}/retry", headers=user_headers, json={"seconds": "7"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_seconds"
    wrong_type = await client.post(f"/api/videos/{failed['id']}/retry", headers=user_headers, json={"seed": "x"})
    assert wrong_type.status_code == 400 and "seed" in wrong_type.json()["error"]
    await wait_for_video(client, user_headers, edited["id"], **DONE)


async def test_a_remix_is_retried_as_a_remix_of_its_original(client, user_headers, emulator_headers):
    original = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"], **DONE)
    await set_knobs(client, emulator_headers, fail_rate=1.0)
    remix = (await client.post(f"/api/videos/{original['id']}/remix", json={"prompt": "now at night"},
                               headers=user_headers)).json()
    failed = await wait_for_video(client, user_headers, remix["id"])
    await set_knobs(client, emulator_headers, fail_rate=0.0)
    again = (await client.post(f"/api/videos/{failed['id']}/retry", json={"prompt": "now in the rain"},
                               headers=user_headers)).json()
    assert again["remix_of"] == original["id"] and again["retry_of"] == failed["id"], again
    refused = await client.post(f"/api/videos/{failed['id']}/retry", json={"size": "720x1280"},
                                headers=user_headers)
    assert refused.status_code == 400 and "only prompt" in refused.json()["error"]


async def test_other_users_cannot_cancel_retry_or_dismiss(client, admin_headers, user_headers):
    video = await create_video(client, user_headers)
    bob = await make_user(client, admin_headers, "bob")
    for action in ("cancel", "retry", "dismiss"):
        response = await client.post(f"/api/videos/{video['id']}/{action}", headers=bob)
        assert response.status_code in (403, 404) and "error" in response.json(), (action, response.text)
    missing = await client.post("/api/videos/no-such-video/cancel", headers=user_headers)
    assert missing.status_code == 404
    assert (await client.get("/api/admin/videos/unconfirmed", headers=bob)).status_code == 403
    not_unconfirmed = await client.post(f"/api/videos/{video['id']}/dismiss", headers=user_headers)
    assert not_unconfirmed.status_code == 400 and not_unconfirmed.json()["code"] == "not_unconfirmed"


async def test_estimate_says_what_a_create_would_cost_without_creating_it(client, user_headers):
    estimate = (await client.post("/api/videos/estimate", headers=user_headers,
                                  json={"model": "sora-2-pro", "size": "1792x1024", "seconds": "8"})).json()
    assert estimate["emulated"] is True and estimate["model"] == "sora-2-pro", estimate
    # The emulator is free: an estimate is its price list's, $0 (a paid provider's is covered by its own tests).
    assert estimate["cost"] == 0 and (estimate["size"], estimate["seconds"]) == ("1792x1024", "8")
    bad = await client.post("/api/videos/estimate", headers=user_headers, json={"model": "nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_model"
    listed = (await client.get("/api/videos", headers=user_headers)).json()
    assert listed["total"] == 0
