"""Fault knobs (set through `POST /_emulator/faults`) and the seeded dice that decide when they fire."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sora2.emulator.errors import EmulatorError

OPERATIONS = ("create", "retrieve", "list", "delete", "content", "remix")
ERROR_KINDS = ("429", "500", "timeout", "reset")
# Timeouts and resets are slow or noisy, so only the quick kinds fire unless a test asks for the others.
DEFAULT_ERROR_KINDS = ("429", "500")


@dataclass
class FaultSettings:
    error_rate: float = 0.0  # share of /v1 calls that fail before doing anything
    error_kinds: list[str] = field(default_factory=lambda: list(DEFAULT_ERROR_KINDS))
    operations: list[str] = field(default_factory=lambda: list(OPERATIONS))
    fail_rate: float = 0.0  # share of NEW jobs that end failed (moderation_blocked)
    expire_after_seconds: float | None = None  # overrides the configured expiry, for every job
    job_seconds: float | None = None  # overrides the configured job time, for new jobs
    timeout_seconds: float = 30.0  # how long a "timeout" fault stalls before answering
    retry_after_seconds: float = 1.0  # what a "429" fault asks the client to wait
    seed: int | None = None
    # After the job is made: answer a create only this late, or lose the answer (a share of creates), as a proxy
    # reset or a client timeout would; the job exists either way.
    create_delay_seconds: float = 0.0
    lost_response_rate: float = 0.0
    honour_idempotency: bool = True  # False: ignore Idempotency-Key, as gateways that do not forward it do
    long_ids: bool = False  # job ids of 266 characters, like LiteLLM's encoded ones


def _share(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise EmulatorError(400, f"Invalid '{name}': expected a number between 0 and 1.", param=name)
    return float(value)


def _seconds(name: str, value: Any, optional: bool) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise EmulatorError(400, f"Invalid '{name}': expected a non-negative number.", param=name)
    return float(value)


def _subset(name: str, value: Any, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list) or not value:
        raise EmulatorError(400, f"Invalid '{name}': expected a non-empty array.", param=name)
    chosen = [str(item) for item in value]
    unknown = [item for item in chosen if item not in allowed]
    if unknown:
        raise EmulatorError(400, f"Invalid '{name}': unknown {unknown}; allowed {list(allowed)}.", param=name)
    return chosen


def _seed(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise EmulatorError(400, "Invalid 'seed': expected an integer or null.", param="seed")
    return value


def _checked(name: str, value: Any) -> Any:
    if name in ("error_rate", "fail_rate", "lost_response_rate"):
        return _share(name, value)
    if name in ("honour_idempotency", "long_ids"):
        if not isinstance(value, bool):
            raise EmulatorError(400, f"Invalid '{name}': expected a boolean.", param=name)
        return value
    if name in ("expire_after_seconds", "job_seconds"):
        checked = _seconds(name, value, optional=True)
        if name == "job_seconds" and checked == 0:
            raise EmulatorError(400, "Invalid 'job_seconds': expected a positive number.", param=name)
        return checked
    if name in ("timeout_seconds", "retry_after_seconds", "create_delay_seconds"):
        return _seconds(name, value, optional=False)
    return _seed(value)


class FaultInjector:
    """Holds the knobs, draws from seeded RNGs, and counts what it injected.

    Each emulated provider names its own operations and error kinds (and may add knobs with a `FaultSettings`
    subclass); the defaults are the OpenAI flavor's.
    """

    def __init__(self, *, operations: tuple[str, ...] = OPERATIONS, error_kinds: tuple[str, ...] = ERROR_KINDS,
                 settings_type: type[FaultSettings] = FaultSettings) -> None:
        self.operations = operations
        self.error_kinds = error_kinds
        self._settings_type = settings_type
        self.settings = self._defaults()
        self.injected: dict[str, int] = {kind: 0 for kind in error_kinds}
        self._reseed(None)

    def _defaults(self) -> FaultSettings:
        return self._settings_type(operations=list(self.operations))

    def check_knob(self, name: str, value: Any) -> Any:
        """The checked value of one knob; subclasses extend it for their own knobs."""
        if name == "error_kinds":
            return _subset(name, value, self.error_kinds)
        if name == "operations":
            return _subset(name, value, self.operations)
        return _checked(name, value)

    def _reseed(self, seed: int | None) -> None:
        # Two streams, so whether a new job fails does not depend on how many requests drew a fault before it.
        self._request_rng = random.Random(seed)
        self._job_rng = random.Random(None if seed is None else seed + 1)

    def update(self, patch: Any) -> None:
        """Applies the given knobs (all checked first, so a bad patch changes nothing)."""
        if not isinstance(patch, dict):
            raise EmulatorError(400, "Expected a JSON object of fault knobs.")
        known = {f.name for f in fields(self._settings_type)}
        unknown = sorted(set(patch) - known)
        if unknown:
            raise EmulatorError(400, f"Unknown fault knobs {unknown}; known: {sorted(known)}.")
        checked = {name: self.check_knob(name, value) for name, value in patch.items()}
        for name, value in checked.items():
            setattr(self.settings, name, value)
        if "seed" in checked:
            self._reseed(self.settings.seed)

    def reset(self) -> None:
        self.settings = self._defaults()
        self._reseed(None)

    def as_json(self) -> dict[str, Any]:
        return asdict(self.settings)

    def draw_request_fault(self, operation: str) -> str | None:
        """The fault kind to inject into this call, or None to serve it normally."""
        knobs = self.settings
        if knobs.error_rate <= 0 or operation not in knobs.operations:
            return None
        if self._request_rng.random() >= knobs.error_rate:
            return None
        kind = self._request_rng.choice(knobs.error_kinds)
        self.injected[kind] += 1
        return kind

    def draw_lost_response(self) -> bool:
        rate = self.settings.lost_response_rate
        if rate > 0 and self._request_rng.random() < rate:
            self.injected["lost_response"] = self.injected.get("lost_response", 0) + 1
            return True
        return False

    def draw_job_failure(self) -> bool:
        rate = self.settings.fail_rate
        return rate > 0 and self._job_rng.random() < rate
