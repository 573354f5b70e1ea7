"""A create that reached the provider but whose answer never came back is reconciled, never paid for twice."""

from __future__ import annotations

import socket

import httpx

from tests.fixtures.live import free_port
from tests.paid_jobs.conftest import Studio, assert_accounted, emulator_stats, knobs, live_jobs, wait_for

VIDEOS = 5


def test_lost_answers_are_found_in_the_providers_job_list(studio: Studio):
    # A gateway that neither forwards Idempotency-Key nor is trusted to: the only way back is the job list.
    knobs(studio.emulator, lost_response_rate=1.0, honour_idempotency=False, seed=7)
    studio.start(SORA2_OPENAI_IDEMPOTENT_CREATE="false")
    made = studio.create(VIDEOS, prefix="lost answer")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == VIDEOS, 30, "the jobs to exist")
    knobs(studio.emulator, lost_response_rate=0.0)
    videos = assert_accounted(studio, created=VIDEOS)
    assert {v["id"] for v in videos} == {v["id"] for v in made}
    assert all(v["state"] == "completed" and v["billing"] == "charged" for v in videos), videos
    stats = emulator_stats(studio.emulator)
    assert stats["requests"]["create"] == VIDEOS  # found, not sent again
    assert stats["requests"]["list"] >= 1


def test_lost_answers_are_replayed_with_the_same_key_where_the_provider_dedupes(studio: Studio):
    knobs(studio.emulator, lost_response_rate=1.0, seed=3)
    studio.start(SORA2_OPENAI_IDEMPOTENT_CREATE="true")
    studio.create(VIDEOS, prefix="replayed")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == VIDEOS, 30, "the jobs to exist")
    knobs(studio.emulator, lost_response_rate=0.0)
    videos = assert_accounted(studio, created=VIDEOS)
    assert all(v["state"] == "completed" for v in videos)
    assert emulator_stats(studio.emulator)["idempotent_replays"] >= VIDEOS


def test_an_unfindable_job_is_shown_as_unconfirmed_and_the_owner_decides(studio: Studio):
    # The answer is lost and the provider's list is down: the owner sees "may have been charged", with actions.
    knobs(studio.emulator, lost_response_rate=1.0, honour_idempotency=False, error_rate=1.0,
          error_kinds=["500"], operations=["list"])
    studio.start(SORA2_OPENAI_IDEMPOTENT_CREATE="false")
    video, kept = studio.create(2, prefix="unfindable")
    wait_for(lambda: all(v["state"] == "unconfirmed" for v in studio.videos()), 60, "both to be unconfirmed")
    shown = next(v for v in studio.videos() if v["id"] == video["id"])
    assert shown["status"] == "failed" and shown["billing"] == "possible", shown  # old clients: failed
    assert "may have been charged" in shown["error_message"]
    assert emulator_stats(studio.emulator)["requests"]["create"] == 2  # nothing resubmitted on its own
    for_admins = httpx.get(f"{studio.url}/api/admin/videos/unconfirmed", headers=studio.headers, timeout=10).json()
    assert {v["id"] for v in for_admins["videos"]} == {video["id"], kept["id"]}
    knobs(studio.emulator, lost_response_rate=0.0, error_rate=0.0)
    again = studio.post(f"/api/videos/{video['id']}/retry")
    dismissed = studio.post(f"/api/videos/{kept['id']}/dismiss")
    assert again["retry_of"] == video["id"] and dismissed["state"] == "failed", dismissed
    assert dismissed["billing"] == "possible" and "not resubmitted" in dismissed["error_message"]
    for_admins = httpx.get(f"{studio.url}/api/admin/videos/unconfirmed", headers=studio.headers, timeout=10).json()
    assert for_admins["videos"] == []  # resubmitted or dismissed: its owner has decided
    resubmitted = next(v for v in studio.videos() if v["id"] == video["id"])
    assert resubmitted["state"] == "failed" and "Resubmitted" in resubmitted["error_message"], resubmitted
    wait_for(lambda: next(v for v in studio.videos() if v["id"] == again["id"])["state"] == "completed", 60,
             "the resubmitted video")
    # The two lost jobs stay at the provider, listed beside the video that holds them as "may have been charged".
    assert emulator_stats(studio.emulator)["jobs_created"] == 3


def test_a_gateway_timeout_after_the_job_exists_is_reconciled(studio: Studio):
    # The answer comes after our 10 s timeout: the request was sent, so it is never simply resent.
    knobs(studio.emulator, create_delay_seconds=12.0, honour_idempotency=False)
    studio.start(SORA2_OPENAI_IDEMPOTENT_CREATE="false")
    studio.create(2, prefix="slow answer")
    wait_for(lambda: any(v["state"] == "confirming" for v in studio.videos()), 40, "a create to time out")
    knobs(studio.emulator, create_delay_seconds=0.0)
    videos = assert_accounted(studio, created=2)
    assert all(v["state"] == "completed" for v in videos)


def test_nothing_sent_is_retried_on_its_own_and_then_said_plainly(studio: Studio, emulator):
    closed = free_port()  # nobody listens: connection refused, before any byte of the request left
    studio.start(SORA2_OPENAI_BASE_URL=f"http://127.0.0.1:{closed}/v1", SORA2_POLL_MAX_SECONDS="0.3")
    (video,) = studio.create(1, prefix="provider down")
    wait_for(lambda: studio.videos()[0]["state"] == "failed", 60, "the submission to give up")
    failed = studio.videos()[0]
    assert failed["billing"] == "none", failed
    assert "nothing was sent, nothing was charged" in failed["error_message"], failed["error_message"]
    # Retry is the owner's explicit action; with the provider back, it goes through.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", closed)) != 0
    assert emulator_stats(emulator)["jobs_created"] == 0
    again = studio.post(f"/api/videos/{video['id']}/retry", expect=200)
    assert again["retry_of"] == video["id"] and again["state"] in ("queued", "failed")


def test_provider_ids_of_any_length_are_kept(studio: Studio):
    knobs(studio.emulator, long_ids=True)
    studio.start()
    (video,) = studio.create(1, prefix="long id")
    (done,) = assert_accounted(studio, created=1)
    assert done["state"] == "completed" and len(done["provider_video_id"]) == 266, done
    assert live_jobs(studio.emulator)[0]["id"] == done["provider_video_id"]
    content = httpx.get(f"{studio.url}/api/videos/{video['id']}/content", headers=studio.headers, timeout=30)
    assert content.status_code == 200 and content.content[4:8] == b"ftyp"
