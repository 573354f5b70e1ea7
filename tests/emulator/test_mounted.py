"""Mounted in-process under `/emulator` (as the main server does), reached through an ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
from openai import AsyncOpenAI
from starlette.applications import Starlette
from starlette.routing import Mount

from sora2.emulator import EmulatorService, create_emulator_app
from tests.emulator.helpers import API_KEY, make_config, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API is scheduled:DeprecationWarning")


@pytest.fixture
async def mounted(data_dir) -> AsyncIterator[tuple[EmulatorService, AsyncOpenAI]]:
    service = EmulatorService(make_config(data_dir))
    await service.start()
    outer = Starlette(routes=[Mount("/emulator", app=create_emulator_app(service))])
    http_client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=outer))
    client = AsyncOpenAI(base_url="http://main.internal/emulator/v1", api_key=API_KEY, max_retries=0,
                         http_client=http_client)
    yield service, client
    await client.close()
    await service.stop()


async def test_full_round_trip_under_a_mount_prefix(mounted):
    service, client = mounted
    video = await client.videos.create(prompt="in process", seconds="4")
    assert (await wait_for(client, video.id)).status == "completed"
    content = await client.videos.download_content(video.id)
    assert content.content[4:8] == b"ftyp"
    assert [v.id for v in (await client.videos.list()).data] == [video.id]
    assert service.stats()["requests"]["content"] == 1


async def test_reset_fault_reaches_an_in_process_caller_as_a_connection_reset(mounted):
    # No socket to drop here: the ASGI transport hands the app's exception to the caller. The SDK only wraps
    # httpx2's own transport errors, so it arrives as the ConnectionResetError the emulator raised.
    service, client = mounted
    service.faults.update({"error_rate": 1.0, "error_kinds": ["reset"]})
    with pytest.raises(ConnectionResetError):
        await client.videos.create(prompt="dropped")
    assert service.stats()["jobs_created"] == 0
