"""Several providers at once: the emulator, OpenRouter and fal from the environment and two gateways added in the
admin page (two base URLs), each making a video through the same API, the user picking provider and model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from sora2.config import Settings
from tests.emulator.helpers import API_KEY, Emulator, make_config, running_emulator
from tests.emulator_openrouter.helpers import API_KEY as OPENROUTER_KEY
from tests.emulator_openrouter.helpers import Running, running_emulator as running_openrouter
from tests.emulator_openrouter.helpers import make_config as openrouter_config
from tests.providers_fal.helpers import VEO, RunningFal, fal_settings, running_fal
from tests.videos.helpers import wait_for_video


@pytest.fixture
async def gateways(tmp_path: Path) -> AsyncIterator[list[Emulator]]:
    async with running_emulator(make_config(tmp_path / "gw-a")) as a, running_emulator(make_config(tmp_path / "gw-b")) as b:
        yield [a, b]


@pytest.fixture
async def openrouter(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_openrouter(openrouter_config(tmp_path / "openrouter")) as running:
        yield running


@pytest.fixture
async def fal(tmp_path: Path) -> AsyncIterator[RunningFal]:
    async with running_fal(tmp_path / "fal") as running:
        yield running


@pytest.fixture
def settings(settings: Settings, openrouter: Running, fal: RunningFal) -> Settings:
    return fal_settings(settings, fal, openrouter_api_key=SecretStr(OPENROUTER_KEY),
                        openrouter_base_url=f"{openrouter.url}/api/v1", emulator_enabled=True)


async def test_every_kind_of_provider_side_by_side(client, admin_headers, user_headers, gateways):
    for name, gateway in zip(("Gateway A", "Gateway B"), gateways, strict=True):
        added = await client.post("/api/admin/providers", headers=admin_headers, json={
            "kind": "gateway", "name": name, "base_url": f"{gateway.url}/v1", "api_key": API_KEY})
        assert added.status_code == 200, added.text
    listed = (await client.get("/api/providers", headers=user_headers)).json()
    assert [p["id"] for p in listed["providers"]] == ["openrouter", "fal", "emulator", "gateway-a", "gateway-b"]
    picks = [("openrouter", "google/veo-3.1-fast", {"aspect_ratio": "16:9"}), ("fal", VEO, {"aspect_ratio": "16:9"}),
             ("emulator", "sora-2", {}), ("gateway-a", "veo-3.1", {}), ("gateway-b", "sora-2", {})]
    made = []
    for provider, model, shape in picks:
        body = {"prompt": f"a kite by {provider}", "provider": provider, "model": model, "seconds": "4", **shape}
        response = await client.post("/api/videos", json=body, headers=user_headers)
        assert response.status_code == 200, (provider, response.text)
        made.append(response.json())
    for video, (provider, model, _) in zip(made, picks, strict=True):
        done = await wait_for_video(client, user_headers, video["id"], timeout=60)
        assert (done["status"], done["provider"], done["model"]) == ("completed", provider, model), done
    assert [(await gw.stats())["requests"]["create"] for gw in gateways] == [1, 1]
