from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sora2.tracker.policy import PollPolicy

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_without_progress_it_follows_the_provider_hint():
    policy = PollPolicy(0.5, 30)
    assert policy.next_poll(T0, 0, None, None, hint=3.0) == 3.0
    assert policy.next_poll(T0, 0, None, None, hint=None) == 2.0


def test_progress_rate_predicts_completion_and_skips_polls():
    policy = PollPolicy(0.5, 30)
    # 10 % → 40 % in 6 s (each read as the middle of its whole percent): 5 %/s, 59.5 % left takes 11.9 s.
    delay = policy.next_poll(T0 + timedelta(seconds=6), 40, T0, 10, hint=1.0)
    assert 11.9 <= delay <= 12.5


def test_hint_is_a_floor_and_the_maximum_caps_long_waits():
    policy = PollPolicy(0.5, 30)
    assert policy.next_poll(T0 + timedelta(seconds=1), 90, T0, 80, hint=4.0) == 4.0
    assert policy.next_poll(T0 + timedelta(seconds=100), 2, T0, 1, hint=None) == 30


def test_backoff_grows_with_jitter_and_respects_retry_after():
    policy = PollPolicy(0.5, 30)
    delays = [policy.backoff(n, None) for n in range(1, 8)]
    assert all(0.5 <= d <= 30 for d in delays)
    assert max(policy.backoff(7, None) for _ in range(20)) > max(policy.backoff(1, None) for _ in range(20))
    assert policy.backoff(1, retry_after=7.0) >= 7.0
    assert len({round(policy.backoff(5, None), 6) for _ in range(10)}) > 1  # jittered
