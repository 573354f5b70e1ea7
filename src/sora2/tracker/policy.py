"""When to look again: provider hints, a progress-based completion estimate, history, backoff with jitter."""

from __future__ import annotations

import random
import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

# Aim this long after the predicted completion: a poll that comes early costs one more request, one that comes
# a little late costs only this much latency (the notification budget is 1 s; fetching and checking the files
# takes ~0.3–0.5 s).
COMPLETION_MARGIN = 0.2
# Above this much uncertainty in the estimate, take an intermediate reading before the final poll.
UNCERTAINTY_LIMIT = 0.5
NO_ESTIMATE_DELAY = 2.0
PRIOR_FRACTION = 0.75
ENDGAME_STEP = 0.5
HISTORY_SIZE = 20
TIGHT_SAMPLES = 3  # jobs of one kind seen before their agreement is trusted


@dataclass(frozen=True)
class Estimate:
    remaining: float  # seconds to 100 %, from the middle of the truncated readings
    granularity: float  # half a percent at the current rate: where inside the reported percent the job is
    rate_error: float  # what the rate's own imprecision (few percents seen so far) adds over what is left

    @property
    def uncertainty(self) -> float:
        return self.granularity + self.rate_error


@dataclass(frozen=True)
class Prior:
    """What earlier jobs of the same kind say about this one."""

    # Each earlier job gives an upper bound: the time from submission by which it was known to be finished.
    # When they agree (within UNCERTAINTY_LIMIT), the final poll goes straight to the tightest of them;
    # otherwise `seconds` is their median and only schedules a reading.
    seconds: float
    tight: bool


@dataclass(frozen=True)
class PollPolicy:
    min_seconds: float = 0.5
    max_seconds: float = 120.0
    idle_max_seconds: float = 60.0  # the longest wait while a job shows no progress at all

    def clamp(self, delay: float) -> float:
        return min(self.max_seconds, max(self.min_seconds, delay))

    def next_poll(self, now: datetime, progress: int, anchor_at: datetime | None, anchor_progress: int | None,
                  hint: float | None, prior: Prior | None = None, elapsed: float = 0.0) -> float:  # noqa: PLR0913
        """Seconds until the next status poll of a running job (see `plan`)."""
        return self.plan(now, progress, anchor_at, anchor_progress, hint, prior, elapsed)[0]

    def plan(self, now: datetime, progress: int, anchor_at: datetime | None, anchor_progress: int | None,
             hint: float | None, prior: Prior | None = None,
             elapsed: float = 0.0) -> tuple[float, float | None]:  # noqa: PLR0913
        """Seconds until the next status poll of a running job, and until it is expected to finish (None when
        nothing is known; clients move a progress bar toward it between readings).

        The provider's hint is a floor ("not before"). A precise estimate schedules the final poll just after
        the predicted completion; a coarse one schedules a refinement reading first, early enough that the
        estimate cannot overshoot. Without progress, the duration of earlier jobs of the same kind (`prior`,
        `elapsed` since this one was submitted) stands in for the estimate.
        """
        estimate = self.estimate(now, progress, anchor_at, anchor_progress)
        if estimate is None:
            prior_remaining = None if prior is None else prior.seconds - elapsed
            if prior_remaining is not None and prior_remaining > 0:
                # Jobs of this kind take the same time: look once, when they have been found finished (a late job
                # then shows its progress and the estimate takes over). Otherwise three quarters in: late enough
                # that the reading makes the estimate precise, early enough that the owner sees the bar move.
                delay = prior_remaining if prior.tight else PRIOR_FRACTION * prior_remaining
                return self.clamp(max(delay, hint or 0.0)), prior_remaining
            # Nothing moved since the reference: wait about as long again as it has been still (doubling),
            # up to the idle cap, so thousands of jobs waiting in a provider's queue cost little. A job past
            # the time its kind takes counts from that time: a provider that reports no progress (OpenRouter)
            # is then looked at again soon after, not a whole cap later.
            if prior_remaining is not None:
                still = -prior_remaining
            else:
                still = (now - anchor_at).total_seconds() if anchor_at is not None else 0.0
            delay = max(hint if hint is not None else NO_ESTIMATE_DELAY, min(still, self.idle_max_seconds))
            return self.clamp(max(delay, hint or 0.0)), None
        if estimate.uncertainty <= UNCERTAINTY_LIMIT:
            delay = estimate.remaining + COMPLETION_MARGIN  # the final poll
        elif estimate.remaining > 2 * estimate.uncertainty:
            delay = max(estimate.remaining - 2 * estimate.uncertainty, estimate.remaining / 2)  # refine first
        elif estimate.rate_error > estimate.granularity:
            delay = max(ENDGAME_STEP, estimate.remaining / 2)  # the rate is barely known yet: halve the distance
        else:
            delay = ENDGAME_STEP  # within a percent of the end: it may finish at any moment
        return self.clamp(max(delay, hint or 0.0)), estimate.remaining

    @staticmethod
    def estimate(now: datetime, progress: int, anchor_at: datetime | None,
                 anchor_progress: int | None) -> Estimate | None:
        """Extrapolates the rate since the reference reading; None without a rate yet.

        Whole, truncated percents put each reading in [p, p + 1): the middle is the best guess, and the span of
        possible rates gives the uncertainty, which shrinks as the readings move apart.
        """
        if anchor_at is None or anchor_progress is None or progress <= anchor_progress:
            return None
        elapsed = (now - anchor_at).total_seconds()
        if elapsed <= 0:
            return None
        moved = progress - anchor_progress
        rate = moved / elapsed
        remaining = max(0.0, (100 - progress - 0.5) / rate)
        return Estimate(remaining=remaining, granularity=0.5 / rate, rate_error=remaining / moved)

    def backoff(self, errors: int, retry_after: float | None, cap: float | None = None) -> float:
        """Exponential backoff with jitter; a provider's Retry-After wins when it asks for longer."""
        cap = cap or self.max_seconds
        delay = min(cap, self.min_seconds * 2 ** max(0, errors - 1)) * random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return max(self.min_seconds, delay)


@dataclass
class DurationHistory:
    """How long recent jobs of the same kind took, submission to found finished (seeded from the database at
    start, then kept per instance as jobs finish)."""

    _recent: dict[tuple, deque[float]] = field(default_factory=dict)

    def record(self, key: tuple, seconds: float) -> None:
        self._recent.setdefault(key, deque(maxlen=HISTORY_SIZE)).append(seconds)

    def expected(self, key: tuple) -> Prior | None:
        durations = self._recent.get(key)
        if not durations:
            return None
        if len(durations) >= TIGHT_SAMPLES:
            ordered = sorted(durations)
            trim = len(ordered) // 10  # one straggler in ten does not spoil it
            kept = ordered[trim:len(ordered) - trim]
            if kept[-1] - kept[0] <= UNCERTAINTY_LIMIT:
                return Prior(kept[0], tight=True)
        return Prior(statistics.median(durations), tight=False)
