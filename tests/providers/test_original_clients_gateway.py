"""The original's web UI and MCP server against a server whose only provider is a gateway (the emulator's
/v1/models: sora-2, sora-2-pro, veo-3.1, veo-3.1-fast): Sora ids are served as such and remix ("sora"), the Veo
ids by the gateway's Veo models ("veo"), and continue works."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from sora2.config import Settings
from tests.emulator.helpers import API_KEY, Emulator, make_config, running_emulator
from tests.videos.original_clients import (
    created_by_each_original_model, finished, listed_providers, ui_continue, ui_remix,
)


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(make_config(tmp_path / "gateway")) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, gateway: Emulator) -> Settings:
    return settings.model_copy(update={"openai_base_url": f"{gateway.url}/v1", "openai_api_key": SecretStr(API_KEY),
                                       "mcp_enabled": False})


async def test_each_original_model_id_creates_remixes_and_continues_on_a_gateway(client, user_headers):
    records = await created_by_each_original_model(client, user_headers)
    models = {model: r["model"] for model, r in records.items()}
    assert models == {"sora-2": "sora-2", "sora-2-pro": "sora-2-pro", "veo-3.1-generate-preview": "veo-3.1",
                      "veo-3.1-fast-generate-preview": "veo-3.1-fast", "veo-3-generate-preview": "veo-3.1",
                      "veo-3-fast-generate-preview": "veo-3.1-fast"}
    providers = {model: r["provider"] for model, r in records.items()}
    assert providers["sora-2"] == providers["sora-2-pro"] == "sora"
    assert {providers[m] for m in models if m.startswith("veo")} == {"veo"}
    assert records["sora-2"]["requested_model"] is None  # served as asked: nothing substituted

    sora = await finished(client, user_headers, records["sora-2"]["id"])
    remix = await ui_remix(client, user_headers, sora["id"])
    assert remix.status_code == 200 and remix.json()["remix_of"] == sora["id"], remix.text
    veo = await finished(client, user_headers, records["veo-3.1-generate-preview"]["id"])
    more = await ui_continue(client, user_headers, veo["id"], "veo-3.1-fast-generate-preview")
    assert more.status_code == 200 and more.json()["model"] == "veo-3.1-fast", more.text
    await finished(client, user_headers, remix.json()["id"])
    continued = await finished(client, user_headers, more.json()["id"])
    assert continued["has_input_reference"]  # continued from the original's last frame
    listed = await listed_providers(client, user_headers)
    assert listed[sora["id"]] == "sora" and listed[veo["id"]] == "veo"
