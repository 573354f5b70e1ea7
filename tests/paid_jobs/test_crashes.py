"""SIGKILL while creates are in flight, and deletes racing with creates: no job is orphaned or made twice."""

from __future__ import annotations

from tests.paid_jobs.conftest import Studio, assert_accounted, emulator_stats, knobs, live_jobs, wait_for

NOT_IDEMPOTENT = {"SORA2_OPENAI_IDEMPOTENT_CREATE": "false", "SORA2_OPENAI_CONCURRENCY": "10"}


def test_sigkill_while_creates_are_in_flight(studio: Studio):
    knobs(studio.emulator, create_delay_seconds=6.0, honour_idempotency=False)
    (server,) = studio.start(**NOT_IDEMPOTENT)
    studio.create(20, prefix="killed mid-create")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] >= 10, 30, "ten creates in flight")
    server.kill()  # ten jobs exist at the provider; their answers never arrive
    knobs(studio.emulator, create_delay_seconds=0.0)
    server.start()
    videos = assert_accounted(studio, created=20)
    assert [v["state"] for v in videos].count("completed") == 20, [v["state"] for v in videos]
    assert "Interrupted before submission" not in server.log_text()


def test_deleting_while_the_create_finishes_deletes_the_providers_job(studio: Studio):
    knobs(studio.emulator, create_delay_seconds=3.0, honour_idempotency=False)
    studio.start(**NOT_IDEMPOTENT)
    made = studio.create(10, prefix="deleted in flight")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == 10, 30, "the jobs to exist")
    for video in made:
        studio.delete(video["id"])
    assert studio.videos() == []
    wait_for(lambda: live_jobs(studio.emulator) == [], 40, "every job to be deleted at the provider")
    assert emulator_stats(studio.emulator)["jobs_created"] == 10
    assert "StaleDataError" not in studio.servers[0].log_text()


def test_deleted_then_killed_before_the_answer_still_cleans_up(studio: Studio):
    # The answers never come: the tombstones find the jobs in the provider's list once the calls timed out.
    knobs(studio.emulator, create_delay_seconds=8.0, honour_idempotency=False)
    (server,) = studio.start(**NOT_IDEMPOTENT, SORA2_OPENAI_TIMEOUT_SECONDS="3")
    made = studio.create(4, prefix="deleted then killed")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == 4, 30, "the jobs to exist")
    for video in made:
        studio.delete(video["id"])
    server.kill()
    knobs(studio.emulator, create_delay_seconds=0.0)
    server.start()
    wait_for(lambda: live_jobs(studio.emulator) == [], 60, "the tombstones to delete every job")
    assert emulator_stats(studio.emulator)["jobs_created"] == 4
