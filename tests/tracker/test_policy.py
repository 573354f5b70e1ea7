from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sora2.tracker.policy import DurationHistory, PollPolicy, Prior

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_without_progress_it_follows_the_provider_hint():
    policy = PollPolicy(0.5, 30)
    assert policy.next_poll(T0, 0, None, None, hint=3.0) == 3.0
    assert policy.next_poll(T0, 0, None, None, hint=None) == 2.0


def test_waits_double_while_a_job_sits_still_up_to_the_idle_cap():
    policy = PollPolicy(0.5, 120, idle_max_seconds=60)
    waits = [policy.next_poll(T0 + timedelta(seconds=t), 0, T0, 0, hint=5.0) for t in (5, 10, 20, 40, 80, 300)]
    assert waits == [5.0, 10.0, 20.0, 40.0, 60.0, 60.0]


def test_precise_estimate_polls_just_after_predicted_completion():
    policy = PollPolicy(0.5, 120)
    # 10 % → 90 % in 20 s: 4 %/s; 9.5 % left (reading 90 means 90–91 %) → 2.375 s, uncertain by ~0.16 s.
    delay = policy.next_poll(T0 + timedelta(seconds=20), 90, T0, 10, hint=0.5)
    assert 2.375 + 0.2 - 0.01 <= delay <= 2.375 + 0.2 + 0.01


def test_coarse_estimate_takes_a_refinement_reading_first():
    policy = PollPolicy(0.5, 120)
    # 0 → 4 % in 5 s: ~120 s left, but ±30 s from truncation; the next reading comes well before the end.
    delay = policy.next_poll(T0 + timedelta(seconds=5), 4, T0, 0, hint=5.0)
    assert 50 <= delay <= 70


def test_a_spread_history_schedules_one_reading_three_quarters_in():
    policy = PollPolicy(0.5, 120)
    assert policy.next_poll(T0, 0, None, None, hint=5.0, prior=Prior(70.0, tight=False), elapsed=10.0) == 45.0
    assert policy.next_poll(T0, 0, None, None, hint=5.0, prior=None) == 5.0


def test_a_tight_history_goes_straight_to_the_final_poll():
    policy = PollPolicy(0.5, 120)
    assert policy.next_poll(T0, 0, None, None, hint=5.0, prior=Prior(70.0, tight=True), elapsed=10.0) == 60.0
    # Past the typical time with no progress to read: the hint, then doubling from that time (not from submission,
    # which would wait the whole idle cap for a provider that reports no progress).
    late = [policy.next_poll(T0 + timedelta(seconds=t), 0, T0, 0, hint=None, prior=Prior(70.0, tight=True),
                             elapsed=t) for t in (71, 80, 100, 200)]
    assert late == [2.0, 10.0, 30.0, 60.0]


def test_history_is_tight_only_when_enough_jobs_agree():
    history = DurationHistory()
    history.record("k", 33.2)
    history.record("k", 33.3)
    assert history.expected("k") == Prior(33.25, tight=False)  # two jobs are not a pattern yet
    for seconds in (33.1, 33.4, 33.2, 33.3, 33.2, 33.3, 33.2):
        history.record("k", seconds)
    assert history.expected("k").tight
    history.record("k", 60.0)  # one straggler in ten does not spoil it
    assert history.expected("k") == Prior(33.2, tight=True)  # the tightest bound of those that agree
    for seconds in (45.0, 50.0):
        history.record("k", seconds)
    assert not history.expected("k").tight
    assert history.expected("other") is None


def test_hint_is_a_floor_and_the_maximum_caps_long_waits():
    policy = PollPolicy(0.5, 30)
    assert policy.next_poll(T0 + timedelta(seconds=1), 90, T0, 80, hint=4.0) == 4.0
    assert policy.next_poll(T0 + timedelta(seconds=1000), 2, T0, 1, hint=None) == 30


def test_backoff_grows_with_jitter_and_respects_retry_after():
    policy = PollPolicy(0.5, 30)
    delays = [policy.backoff(n, None) for n in range(1, 8)]
    assert all(0.5 <= d <= 30 for d in delays)
    assert max(policy.backoff(7, None) for _ in range(20)) > max(policy.backoff(1, None) for _ in range(20))
    assert policy.backoff(1, retry_after=7.0) >= 7.0
    assert len({round(policy.backoff(5, None), 6) for _ in range(10)}) > 1  # jittered


def test_simulated_linear_jobs_finish_within_a_second_in_few_polls():
    """Drive the policy against the emulator's progress curve (linear, truncated to whole percents)."""
    policy = PollPolicy(0.5, 120)
    for job_seconds in (33.0, 63.0, 123.0, 600.0, 1800.0):
        t, polls, ref = 0.0, 0, (T0, 0)
        t += policy.next_poll(T0, 0, ref[0], ref[1], hint=min(5.0, job_seconds / 4))
        while True:
            polls += 1
            if t >= job_seconds:
                break
            progress = int(100 * t / job_seconds)
            now = T0 + timedelta(seconds=t)
            delay = policy.next_poll(now, progress, ref[0], ref[1], hint=min(5.0, (job_seconds - t) / 4))
            t += delay
        assert t - job_seconds <= 0.6, (job_seconds, t)
        # A fraction of the fixed 5 s poller's job_seconds / 5 polls; long jobs add about one per max_seconds.
        assert polls <= max(4, job_seconds / 5 / 4), (job_seconds, polls)
