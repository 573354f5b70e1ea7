"""The admin page's API: providers added at runtime (key encrypted, never returned), checked, enabled, disabled,
made default and removed; picked up without a restart, also by a second instance sharing the database."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from sora2.app import create_app
from sora2.config import Settings
from sora2.models import ProviderConfig
from tests.emulator.helpers import API_KEY, Emulator, make_config, running_emulator
from tests.videos.helpers import wait_for_video

URL = "/api/admin/providers"


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(make_config(tmp_path / "gateway")) as running:
        yield running


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"providers_reload_seconds": 0.2, "mcp_enabled": False})


def _gateway_body(gateway: Emulator, **overrides) -> dict:  # noqa: ANN003
    return {"kind": "gateway", "name": "House LiteLLM", "base_url": f"{gateway.url}/v1", "api_key": API_KEY,
            **overrides}


async def test_environment_providers_are_listed_read_only(client, admin_headers, user_headers):
    overview = (await client.get(URL, headers=admin_headers)).json()
    [emulator] = overview["providers"]
    assert (emulator["id"], emulator["source"], emulator["read_only"], emulator["enabled"]) == (
        "emulator", "environment", True, True)
    assert emulator["models"] == ["sora-2", "sora-2-pro"] and overview["restart_needed"] is False
    assert (await client.get(URL, headers=user_headers)).status_code == 403
    refused = await client.patch(f"{URL}/emulator", json={"name": "x"}, headers=admin_headers)
    assert refused.status_code == 400 and refused.json()["code"] == "read_only_provider"


async def test_an_added_gateway_is_used_at_once_and_its_key_never_leaves(client, admin_headers, user_headers, ctx,
                                                                       settings, gateway: Emulator):
    added = await client.post(URL, json=_gateway_body(gateway), headers=admin_headers)
    assert added.status_code == 200, added.text
    entry = added.json()
    assert (entry["id"], entry["has_key"], entry["key_hint"], entry["running"]) == (
        "house-litellm", True, API_KEY[-4:], True)
    assert entry["models"] == ["sora-2", "sora-2-pro", "veo-3.1", "veo-3.1-fast"]
    assert API_KEY not in added.text and API_KEY not in (await client.get(URL, headers=admin_headers)).text
    async with ctx.sessions.begin() as session:
        stored = (await session.execute(select(ProviderConfig))).scalar_one()
    assert stored.api_key_encrypted and API_KEY not in stored.api_key_encrypted
    secret = settings.data_dir / "provider-secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600

    body = {"prompt": "a heron", "provider": "house-litellm", "model": "veo-3.1", "seconds": "6"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    done = await wait_for_video(client, user_headers, video["id"], timeout=40)
    assert done["status"] == "completed" and done["provider"] == "house-litellm", done


async def test_check_lists_models_and_reports_a_wrong_key_or_url(client, admin_headers, gateway: Emulator):
    good = (await client.post(f"{URL}/check", json=_gateway_body(gateway), headers=admin_headers)).json()
    assert good["ok"] and "veo-3.1" in good["models"]
    bad_key = (await client.post(f"{URL}/check", json=_gateway_body(gateway, api_key="wrong"),
                                 headers=admin_headers)).json()
    assert not bad_key["ok"] and bad_key["error"]
    nowhere = (await client.post(f"{URL}/check", json=_gateway_body(gateway, base_url="http://127.0.0.1:9/v1"),
                                 headers=admin_headers)).json()
    assert not nowhere["ok"]
    await client.post(URL, json=_gateway_body(gateway), headers=admin_headers)
    saved = (await client.post(f"{URL}/house-litellm/check", headers=admin_headers)).json()
    assert saved["ok"] and saved["models"]  # with the stored key, never sent by the browser


async def test_disable_default_and_remove(client, admin_headers, user_headers, gateway: Emulator):
    await client.post(URL, json=_gateway_body(gateway), headers=admin_headers)
    off = await client.patch(f"{URL}/emulator", json={"enabled": False}, headers=admin_headers)
    assert off.status_code == 200 and off.json()["enabled"] is False
    listed = (await client.get("/api/providers", headers=user_headers)).json()
    assert [p["id"] for p in listed["providers"]] == ["house-litellm"]
    refused = await client.post("/api/videos", json={"prompt": "p", "provider": "emulator"}, headers=user_headers)
    assert refused.status_code == 400 and refused.json()["code"] == "provider_disabled"

    chosen = await client.put(f"{URL}/default", json={"provider": "house-litellm", "model": "veo-3.1-fast"},
                              headers=admin_headers)
    assert chosen.status_code == 200 and chosen.json()["default"]["model"] == "veo-3.1-fast"
    listed = (await client.get("/api/providers", headers=user_headers)).json()
    assert (listed["default_provider"], listed["default_model"]) == ("house-litellm", "veo-3.1-fast")
    video = (await client.post("/api/videos", json={"prompt": "no model named"}, headers=user_headers)).json()
    assert video["model"] == "veo-3.1-fast"

    busy = await client.delete(f"{URL}/house-litellm", headers=admin_headers)
    assert busy.status_code == 409 and busy.json()["code"] == "provider_busy"
    await wait_for_video(client, user_headers, video["id"], timeout=40)
    assert (await client.delete(f"{URL}/house-litellm", headers=admin_headers)).status_code == 200
    overview = (await client.get(URL, headers=admin_headers)).json()
    assert [p["id"] for p in overview["providers"]] == ["emulator"]


async def test_a_second_instance_picks_up_a_change_without_a_restart(client, admin_headers, settings, tmp_path,
                                                                    gateway: Emulator):
    other = create_app(settings.model_copy(update={"instance_id": "second", "data_dir": settings.data_dir}))
    api = other.fastapi
    async with api.router.lifespan_context(api):
        transport = httpx.ASGITransport(app=other, client=("127.0.0.1", 50001))
        async with httpx.AsyncClient(transport=transport, base_url="http://second") as second:
            await client.post(URL, json=_gateway_body(gateway), headers=admin_headers)
            for _ in range(50):
                listed = (await second.get("/api/providers", headers=admin_headers)).json()
                if "house-litellm" in [p["id"] for p in listed["providers"]]:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the second instance never saw the new provider")
