"""When to look again: provider hints, a progress-based completion estimate, and backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

# Poll this much after the predicted completion, so the last poll usually finds the job done.
COMPLETION_MARGIN = 0.05
NO_ESTIMATE_DELAY = 2.0


@dataclass(frozen=True)
class PollPolicy:
    min_seconds: float = 0.5
    max_seconds: float = 30.0

    def clamp(self, delay: float) -> float:
        return min(self.max_seconds, max(self.min_seconds, delay))

    def next_poll(self, now: datetime, progress: int, anchor_at: datetime | None, anchor_progress: int | None,
                  hint: float | None) -> float:
        """Seconds until the next status poll of a running job."""
        eta = self.estimate_remaining(now, progress, anchor_at, anchor_progress)
        if eta is None:
            delay = hint if hint is not None else NO_ESTIMATE_DELAY
        else:
            # The provider's hint is a floor ("not before"); the estimate lets us skip polls in between.
            delay = max(eta + COMPLETION_MARGIN, hint or 0.0)
        return self.clamp(delay)

    @staticmethod
    def estimate_remaining(now: datetime, progress: int, anchor_at: datetime | None,
                           anchor_progress: int | None) -> float | None:
        """Seconds to 100 % at the rate seen since the reference reading, or None without a rate yet.

        Providers report whole percents, truncated; a reading of p means somewhere in [p, p + 1), so the middle
        of that interval is used — otherwise early readings underestimate the rate and the final poll comes late.
        """
        if anchor_at is None or anchor_progress is None or progress <= anchor_progress:
            return None
        elapsed = (now - anchor_at).total_seconds()
        if elapsed <= 0:
            return None
        current = progress + 0.5
        reference = anchor_progress + 0.5 if anchor_progress > 0 else 0.0
        rate = (current - reference) / elapsed
        return max(0.0, (100 - current) / rate)

    def backoff(self, errors: int, retry_after: float | None, cap: float | None = None) -> float:
        """Exponential backoff with jitter; a provider's Retry-After wins when it asks for longer."""
        cap = cap or self.max_seconds
        delay = min(cap, self.min_seconds * 2 ** max(0, errors - 1)) * random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return max(self.min_seconds, delay)
