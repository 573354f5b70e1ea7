"""The OpenRouter flavor's fault knobs: the shared ones, plus 402/503 kinds and duplicate webhooks."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sora2.emulator.errors import EmulatorError
from sora2.emulator.faults import FaultInjector, FaultSettings
from sora2.emulator.openrouter.wire import ApiError, error_response
from sora2.emulator.wire import ResetResponse

OPERATIONS = ("list_models", "create", "retrieve", "content")
ERROR_KINDS = ("429", "402", "500", "503", "timeout", "reset")
DISCONNECT_CHECK_SECONDS = 0.1
INSUFFICIENT_CREDITS = ("Insufficient credits. This account has a negative or zero balance; add more at "
                        "https://openrouter.ai/settings/credits and try again.")


@dataclass
class OpenRouterFaultSettings(FaultSettings):
    webhook_duplicate: bool = False  # deliver each webhook twice (same idempotency key), as retries may
    # Bill new jobs at list price times this (a discount, a surcharge): the reported cost then differs from the
    # estimate a client made from the model's pricing, as real bills can.
    cost_multiplier: float = 1.0


class OpenRouterFaults(FaultInjector):
    def __init__(self) -> None:
        super().__init__(operations=OPERATIONS, error_kinds=ERROR_KINDS,
                         settings_type=OpenRouterFaultSettings)

    @property
    def knobs(self) -> OpenRouterFaultSettings:
        assert isinstance(self.settings, OpenRouterFaultSettings)
        return self.settings

    def check_knob(self, name: str, value: Any) -> Any:
        if name == "webhook_duplicate":
            if not isinstance(value, bool):
                raise EmulatorError(400, "Invalid 'webhook_duplicate': expected a boolean.", param=name)
            return value
        if name == "cost_multiplier":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
                raise EmulatorError(400, "Invalid 'cost_multiplier': expected a number from 0 to 100.", param=name)
            return float(value)
        return super().check_knob(name, value)


async def stall(request: Request, seconds: float, running: Any) -> None:
    """Sleeps like a hung upstream, but gives up early once the client left or the emulator stops."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline and running():
        if await request.is_disconnected():
            return
        await asyncio.sleep(min(DISCONNECT_CHECK_SECONDS, max(0.0, deadline - loop.time())))


async def injected_fault(request: Request, faults: OpenRouterFaults, operation: str,
                         running: Any) -> Response | None:
    """The answer of an injected fault for this call, or None to serve it normally."""
    kind = faults.draw_request_fault(operation)
    knobs = faults.knobs
    if kind == "429":
        wait = max(1, math.ceil(knobs.retry_after_seconds))
        return error_response(ApiError(429, f"Rate limit exceeded: too many video generation requests. Retry "
                                            f"after {wait} seconds.", headers={"retry-after": str(wait)}))
    if kind == "402":
        return error_response(ApiError(402, INSUFFICIENT_CREDITS))
    if kind == "500":
        return error_response(ApiError(500, "Internal Server Error"))
    if kind == "503":
        return error_response(ApiError(503, "Service Unavailable: no provider is available for this model "
                                            "right now. Please try again later."))
    if kind == "timeout":
        await stall(request, knobs.timeout_seconds, running)
        return error_response(ApiError(504, "Gateway Timeout: the upstream provider did not answer in time."))
    if kind == "reset":
        return ResetResponse()
    return None
