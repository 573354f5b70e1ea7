"""With 30 % of provider calls failing in mixed ways, every job still completes and none is created twice."""

from __future__ import annotations

import asyncio

import pytest

from sora2.config import Settings
from tests.videos.helpers import create_video, wait_for_video


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Our deadline per call is shorter than the emulator's "timeout" fault, so those calls really time out.
    return settings.model_copy(update={"emulator_timeout_seconds": 1.0, "poll_max_seconds": 2.0})


async def test_jobs_survive_mixed_provider_faults_without_duplicates(client, user_headers, emulator_headers):
    faults = {"error_rate": 0.3, "error_kinds": ["429", "500", "timeout", "reset"], "timeout_seconds": 2,
              "seed": 7}
    response = await client.post("/emulator/_emulator/faults", json=faults, headers=emulator_headers)
    assert response.status_code == 200, response.text
    videos = [await create_video(client, user_headers, prompt=f"fault test {i}", seconds="4") for i in range(6)]
    finished = await asyncio.gather(*(wait_for_video(client, user_headers, v["id"], timeout=120) for v in videos))
    assert [v["status"] for v in finished] == ["completed"] * 6, finished
    assert all(v["download_state"] == "done" for v in finished)
    stats = (await client.get("/emulator/_emulator/stats", headers=emulator_headers)).json()
    assert stats["jobs_created"] == 6
    assert sum(stats["faults_injected"].values()) > 0


async def test_moderation_failure_is_reported_in_words(client, user_headers, emulator_headers):
    await client.post("/emulator/_emulator/faults", json={"fail_rate": 1.0}, headers=emulator_headers)
    video = await create_video(client, user_headers, prompt="blocked", seconds="4")
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "failed"
    assert "moderation" in done["error_message"].lower()
