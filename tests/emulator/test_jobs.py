"""The status timeline is a pure function of the job and the clock: checked here at exact instants."""

from __future__ import annotations

from sora2.emulator.jobs import Job, poll_hint_ms, status_at, video_object

T0 = 1_700_000_000.0


def job(**overrides) -> Job:  # noqa: ANN003
    fields = {"id": "video_abc", "seq": 1, "model": "sora-2", "prompt": "p", "seconds": "4", "size": "720x1280",
              "created_at": T0, "job_seconds": 10.0, "expire_after": 3600.0}
    return Job(**{**fields, **overrides})


def test_queued_then_in_progress_with_rising_progress():
    pending = job()
    assert status_at(pending, T0) == ("queued", 0)
    assert status_at(pending, T0 + 0.9) == ("queued", 0)
    assert status_at(pending, T0 + 1.0) == ("in_progress", 10)
    assert status_at(pending, T0 + 5.0) == ("in_progress", 50)


def test_stays_at_99_until_the_render_is_on_disk():
    pending = job()
    assert status_at(pending, T0 + 60) == ("in_progress", 99)
    rendered = job(rendered_at=T0 + 2)
    assert status_at(rendered, T0 + 9.99)[0] == "in_progress"
    assert status_at(rendered, T0 + 10) == ("completed", 100)


def test_completed_at_is_the_later_of_job_time_and_render_end():
    late_render = job(rendered_at=T0 + 30)
    view = video_object(late_render, T0 + 31)
    assert (view["completed_at"], view["expires_at"]) == (int(T0 + 30), int(T0 + 30 + 3600))


def test_expires_after_the_window_or_the_override():
    done = job(rendered_at=T0 + 1)
    assert status_at(done, T0 + 10 + 3599)[0] == "completed"
    assert status_at(done, T0 + 10 + 3600)[0] == "expired"
    assert status_at(done, T0 + 11, expire_after_override=0.5)[0] == "expired"
    assert status_at(job(rendered_at=T0 + 1, media_purged=True), T0 + 11)[0] == "expired"


def test_moderation_failure_surfaces_halfway_without_timestamps():
    blocked = job(fail_code="moderation_blocked", fail_message="blocked")
    assert status_at(blocked, T0 + 4.9)[0] == "in_progress"
    view = video_object(blocked, T0 + 5)
    assert (view["status"], view["progress"], view["completed_at"], view["expires_at"]) == ("failed", 0, None, None)
    assert view["error"] == {"code": "moderation_blocked", "message": "blocked"}


def test_video_object_has_the_contract_fields_in_order():
    view = video_object(job(rendered_at=T0), T0 + 20)
    assert list(view) == ["id", "object", "model", "status", "progress", "created_at", "completed_at",
                          "expires_at", "prompt", "seconds", "size", "remixed_from_video_id", "error", "quality"]
    assert isinstance(view["seconds"], str) and isinstance(view["created_at"], int)


def test_poll_hint_is_a_quarter_of_the_remaining_time_clamped():
    pending = job(job_seconds=100.0)
    assert poll_hint_ms(pending, T0) == 5000
    assert poll_hint_ms(pending, T0 + 90) == 2500
    assert poll_hint_ms(pending, T0 + 99.9) == 500
    assert poll_hint_ms(job(rendered_at=T0), T0 + 200) is None


def test_round_trip_through_json_ignores_unknown_fields():
    original = job(replays=2, idempotency_key="k")
    assert Job.from_json({**original.to_json(), "future_field": 1}) == original
