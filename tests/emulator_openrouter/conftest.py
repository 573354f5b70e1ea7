"""OpenRouter emulator fixtures: a started emulator on a real uvicorn port, driven by the official SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.emulator_openrouter.helpers import (Receiver, Running, make_config, running_emulator,
                                               running_receiver)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "emulator"


@pytest.fixture
async def emulator(data_dir: Path) -> AsyncIterator[Running]:
    async with running_emulator(make_config(data_dir)) as running:
        yield running


@pytest.fixture
async def emulator_with_receiver(data_dir: Path) -> AsyncIterator[tuple[Running, Receiver]]:
    async with running_receiver() as receiver, running_emulator(make_config(data_dir)) as running:
        yield running, receiver
