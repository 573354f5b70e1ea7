"""The fal flavor's fault knobs: the shared ones, plus duplicate and forged webhooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sora2.emulator.errors import EmulatorError
from sora2.emulator.faults import FaultInjector, FaultSettings

OPERATIONS = ("submit", "status", "result", "cancel", "files")
ERROR_KINDS = ("429", "500", "503", "timeout", "reset")
FLAGS = ("webhook_duplicate", "webhook_forged")


@dataclass
class FalFaultSettings(FaultSettings):
    webhook_duplicate: bool = False  # deliver each webhook twice, as fal's retries may
    webhook_forged: bool = False  # sign webhooks with a key the JWKS does not publish


class FalFaults(FaultInjector):
    def __init__(self) -> None:
        super().__init__(operations=OPERATIONS, error_kinds=ERROR_KINDS, settings_type=FalFaultSettings)

    @property
    def knobs(self) -> FalFaultSettings:
        assert isinstance(self.settings, FalFaultSettings)
        return self.settings

    def check_knob(self, name: str, value: Any) -> Any:
        if name in FLAGS:
            if not isinstance(value, bool):
                raise EmulatorError(400, f"Invalid '{name}': expected a boolean.", param=name)
            return value
        return super().check_knob(name, value)
