"""The OpenRouter emulator on a real uvicorn port; the app configured with OpenRouter pointing at it.

The emulator's signed webhooks reach the app in-process (a late-bound ASGI transport), so webhook tests need no
public URL; the app sends callback_url only in modules that set public_url and the webhook secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sora2.config import Settings
from tests.emulator_openrouter.helpers import Running, make_config, running_emulator
from tests.providers_openrouter.helpers import WEBHOOK_SECRET, LateBoundTransport, openrouter_settings


@pytest.fixture
def webhook_target() -> LateBoundTransport:
    return LateBoundTransport()


@pytest.fixture
async def openrouter(tmp_path: Path, webhook_target: LateBoundTransport) -> AsyncIterator[Running]:
    config = make_config(tmp_path / "openrouter-emulator")
    async with running_emulator(config, webhook_secret=WEBHOOK_SECRET, webhook_transport=webhook_target) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, openrouter: Running) -> Settings:
    return openrouter_settings(settings, openrouter.url)


@pytest.fixture
def app(app, webhook_target: LateBoundTransport):  # noqa: ANN001, ANN201
    webhook_target.app = app
    return app
