"""The fal emulator on a real uvicorn port; the app configured with fal pointing at it. The emulator's signed
webhooks reach the app in-process (a late-bound ASGI transport); modules that test webhooks set an https
public_url so jobs carry a webhook URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sora2.config import Settings
from tests.providers_fal.helpers import RunningFal, fal_settings, running_fal
from tests.providers_openrouter.helpers import LateBoundTransport


@pytest.fixture
def webhook_target() -> LateBoundTransport:
    return LateBoundTransport()


@pytest.fixture
async def fal(tmp_path: Path, webhook_target: LateBoundTransport) -> AsyncIterator[RunningFal]:
    async with running_fal(tmp_path / "fal-emulator", webhook_target) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, fal: RunningFal) -> Settings:
    return fal_settings(settings, fal)


@pytest.fixture
def app(app, webhook_target: LateBoundTransport):  # noqa: ANN001, ANN201
    webhook_target.app = app
    return app
