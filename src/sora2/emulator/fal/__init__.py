"""The fal.ai flavor of the built-in emulator: fal's queue API (`queue.fal.run`) over the shared renderer, with
ED25519-signed webhooks and the JWKS key set to check them.

Point fal-client at it through sora2.providers.fal.FalTransport (fal-client itself always calls https).
"""

from sora2.emulator.fal.app import create_fal_standalone_app
from sora2.emulator.fal.emulator import FalEmulator

__all__ = ["FalEmulator", "create_fal_standalone_app"]
