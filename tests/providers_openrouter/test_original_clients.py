"""The original's web UI and MCP server against a server whose only provider is OpenRouter (emulated): every
model id they offer is served by its nearest OpenRouter model, the records say "veo" (no model here can remix,
so the original UI shows no Remix), and continue works."""

from __future__ import annotations

from tests.videos.original_clients import (
    ORIGINAL_MODELS, created_by_each_original_model, finished, listed_providers, ui_continue, ui_create, ui_remix,
)


async def test_each_original_model_id_creates_on_openrouter(client, user_headers):
    records = await created_by_each_original_model(client, user_headers)
    chosen = {model: (r["model"], r["requested_model"]) for model, r in records.items()}
    assert chosen["veo-3.1-generate-preview"] == ("google/veo-3.1", "veo-3.1-generate-preview")
    assert chosen["veo-3.1-fast-generate-preview"] == ("google/veo-3.1-fast", "veo-3.1-fast-generate-preview")
    assert chosen["veo-3-fast-generate-preview"][0] == "google/veo-3.1-fast"
    assert chosen["sora-2"][0] == "google/veo-3.1"  # no Sora here: the default model stands in
    assert all(r["provider"] == "veo" and r["provider_id"] == "openrouter" for r in records.values())
    assert all(r["seconds"] == "8" and r["size"] == "1280x720" for r in records.values())
    native = (await client.get(f"/api/videos/{records['sora-2']['id']}", headers=user_headers)).json()
    assert native["provider"] == "openrouter"  # our own clients keep our value
    done = await finished(client, user_headers, records["veo-3.1-fast-generate-preview"]["id"])
    assert set((await listed_providers(client, user_headers)).values()) == {"veo"}

    remix = await ui_remix(client, user_headers, done["id"])
    assert remix.status_code == 400 and remix.json()["error"]  # the original UI offers no Remix for "veo"
    for model in (None, "veo-3.1-generate-preview"):
        more = await ui_continue(client, user_headers, done["id"], model)
        assert more.status_code == 200, more.text
        assert more.json()["provider"] == "veo"
    continued = await finished(client, user_headers, more.json()["id"])
    assert continued["continued_from"] == done["id"] and continued["model"] == "google/veo-3.1"


async def test_the_original_veo_image_flow_works_on_openrouter(client, user_headers):
    response = await ui_create(client, user_headers, "veo-3.1-generate-preview", image=True)
    assert response.status_code == 200, response.text
    assert response.json()["has_input_reference"] is True and response.json()["provider"] == "veo"
    assert len(ORIGINAL_MODELS) == 6
