"""The OpenRouter flavor of the built-in emulator: OpenRouter's `/api/v1/videos` API over the shared renderer.

Point the official SDK at it with `OpenRouter(api_key=..., server_url="http://HOST:PORT/api/v1")`.
"""

from sora2.emulator.openrouter.app import create_openrouter_standalone_app
from sora2.emulator.openrouter.emulator import OpenRouterEmulator

__all__ = ["OpenRouterEmulator", "create_openrouter_standalone_app"]
