"""How long earlier jobs took decides when a new one is polled: learned as jobs finish, kept across restarts."""

from __future__ import annotations

import asyncio

import pytest

from sora2.app import create_app
from sora2.config import Settings
from tests.videos.helpers import create_video, wait_for_video

JOB_SECONDS = 3.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"emulator_job_seconds": JOB_SECONDS})


def kind(video: dict) -> tuple:
    return video["provider"], video["model"], video["size"], video["seconds"], False


async def retrieves(client, emulator_headers) -> int:  # noqa: ANN001
    stats = (await client.get("/emulator/_emulator/stats", headers=emulator_headers)).json()
    return stats["requests"]["retrieve"]


async def test_with_a_consistent_history_a_video_costs_one_status_poll(client, ctx, user_headers, emulator_headers):
    first = await create_video(client, user_headers, prompt="teaches the history")
    first = await wait_for_video(client, user_headers, first["id"])
    # Jobs of this kind take JOB_SECONDS at the emulator: a history that agrees sends the poll straight there.
    for _ in range(5):
        ctx.tracker.steps.history.record(kind(first), JOB_SECONDS + 0.4)
    before = await retrieves(client, emulator_headers)
    video = await create_video(client, user_headers, prompt="knows when to look")
    # Between submission and the one poll, clients learn when to expect it (to move the progress bar).
    running = await wait_for_video(client, user_headers, video["id"],
                                   done=lambda v: v["estimated_completion_at"] is not None or v["status"] == "completed")
    if running["status"] != "completed":
        expected = running["estimated_completion_at"] - running["created_at"]
        assert JOB_SECONDS - 1 <= expected <= JOB_SECONDS + 2, running
    done = await wait_for_video(client, user_headers, video["id"])
    assert done["estimated_completion_at"] is None  # only while running
    assert done["status"] == "completed" and done["download_state"] == "done"
    assert await retrieves(client, emulator_headers) - before == 1


async def test_finished_jobs_record_when_they_were_due_not_when_they_were_seen(client, ctx, user_headers):
    videos = [await create_video(client, user_headers, prompt=f"history {i}") for i in range(2)]
    done = await asyncio.gather(*(wait_for_video(client, user_headers, v["id"]) for v in videos))
    prior = ctx.tracker.steps.history.expected(kind(done[0]))
    # From submission to the poll that found it finished: the emulator's clock plus at most the poll margin and
    # the provider's whole-second timestamps; never the time spent downloading and checking the file.
    assert JOB_SECONDS - 0.1 <= prior.seconds <= JOB_SECONDS + 1.0, prior


async def test_a_restarted_tracker_still_knows_how_long_jobs_take(settings: Settings, ctx, client, user_headers):
    video = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"])
    learned = ctx.tracker.steps.history.expected(kind(video))
    assert learned is not None
    second = create_app(settings)  # a new instance on the same database: what the tracker knows comes from rows
    async with second.fastapi.router.lifespan_context(second.fastapi):
        assert second.fastapi.state.ctx.tracker.steps.history.expected(kind(video)) == learned


async def test_the_openai_adapter_bounds_a_finished_jobs_duration(ctx, client, user_headers):
    video = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"])
    job = await ctx.providers.get("emulator").get(video["provider_video_id"])
    assert job.status == "completed"
    # Whole-second created_at/completed_at: the duration is under their difference + 1 s.
    assert JOB_SECONDS <= job.took_at_most <= JOB_SECONDS + 2.0


def test_a_finished_job_is_credited_with_its_due_time_only_when_the_poll_was_prompt():
    from datetime import timedelta

    from sora2.db.base import utcnow
    from sora2.providers.base import JobStatus
    from sora2.tracker.steps import Tracking

    now = utcnow()
    submitted = now - timedelta(seconds=40)
    done = JobStatus(job_id="j", status="completed", progress=100)

    def tracking(due_at):  # noqa: ANN001, ANN202
        return Tracking(user_id="u", status="in_progress", progress=90, expires_at=None, submitted_at=submitted,
                        ref_at=submitted, ref_value=0, kind=(), due_at=due_at, expected_at=None)

    prompt = tracking(now - timedelta(seconds=0.3)).finished_by(done)
    assert abs((prompt - (now - timedelta(seconds=0.3))).total_seconds()) < 0.01
    # A poll that ran a minute late (a restart, a backlog) only knows the job was finished when it looked.
    late = tracking(now - timedelta(seconds=60)).finished_by(done)
    assert (late - now).total_seconds() >= 0
    # The provider's own timestamps may say more; never earlier than the submission itself.
    bounded = tracking(None).finished_by(JobStatus(job_id="j", status="completed", took_at_most=10.0))
    assert bounded == submitted + timedelta(seconds=10)
