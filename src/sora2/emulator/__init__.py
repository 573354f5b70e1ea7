"""The built-in provider emulator: an OpenAI `/v1/videos`-shaped server that renders real H.264 MP4s.

The OpenRouter flavor (`/api/v1/videos`) lives in `sora2.emulator.openrouter` and shares the renderer, the job
store and the fault knobs.
"""

from sora2.emulator.app import create_emulator_app, create_standalone_app
from sora2.emulator.config import EmulatorConfig
from sora2.emulator.service import EmulatorService

__all__ = ["EmulatorConfig", "EmulatorService", "create_emulator_app", "create_standalone_app"]
