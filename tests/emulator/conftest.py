"""Emulator fixtures: a started service, served by a real uvicorn on a free port, driven by the official SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.emulator.helpers import Emulator, make_config, running_emulator


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "emulator"


@pytest.fixture
async def emulator(data_dir: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(make_config(data_dir)) as running:
        yield running
