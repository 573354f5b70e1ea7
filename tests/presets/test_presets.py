"""Presets through the real app: saved checked, applied to creates and variations, shared by admins only."""

from __future__ import annotations

STYLE = {"name": "Wide cinema", "model": "sora-2-pro", "size": "1792x1024", "seconds": "4",
         "prompt_prefix": "Cinematic, 35 mm film.", "prompt_suffix": "Soft evening light."}


async def save(client, headers, **fields) -> dict:  # noqa: ANN001
    response = await client.post("/api/presets", json={**STYLE, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_preset_fills_the_create_and_wraps_the_prompt(client, user_headers):
    preset = await save(client, user_headers)
    assert preset["provider"] == "emulator" and preset["editable"] is True and preset["shared"] is False
    response = await client.post("/api/videos", json={"prompt": "a red kite", "preset_id": preset["id"]},
                                 headers=user_headers)
    assert response.status_code == 200, response.text
    video = response.json()
    assert (video["model"], video["size"], video["seconds"]) == ("sora-2-pro", "1792x1024", "4")
    assert video["prompt"] == "Cinematic, 35 mm film. a red kite Soft evening light."
    # What the request says wins; a reused prompt that already carries the style is not wrapped twice.
    again = await client.post("/api/videos", headers=user_headers,
                              json={"prompt": video["prompt"], "seconds": "8", "preset_id": preset["id"]})
    assert again.json()["seconds"] == "8" and again.json()["prompt"] == video["prompt"]
    batch = await client.post("/api/videos/batch", headers=user_headers,
                              json={"prompt": "a boat", "preset_id": preset["id"], "count": 2})
    assert [v["prompt"] for v in batch.json()["videos"]] == ["Cinematic, 35 mm film. a boat Soft evening light."] * 2


async def test_settings_are_checked_when_saved(client, user_headers):
    for fields, code in (({"size": "640x480"}, "invalid_size"), ({"seconds": "5"}, "invalid_seconds"),
                         ({"model": "no-such-model"}, "unknown_model"), ({"seed": 3}, "invalid_seed"),
                         ({"model": None}, "model_required"), ({"name": ""}, "invalid_name"),
                         ({"prompt_prefix": "x" * 1001}, "invalid_prompt_prefix")):
        response = await client.post("/api/presets", json={**STYLE, **fields}, headers=user_headers)
        assert response.status_code == 400 and response.json()["code"] == code, (fields, response.text)
    only_style = await client.post("/api/presets", json={"name": "Just a style", "prompt_suffix": "in watercolour"},
                                   headers=user_headers)
    assert only_style.status_code == 201 and only_style.json()["model"] is None


async def test_update_and_delete(client, user_headers):
    preset = await save(client, user_headers)
    updated = await client.put(f"/api/presets/{preset['id']}", headers=user_headers,
                               json={"name": "Tall", "model": "sora-2", "size": "720x1280"})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["size"], updated.json()["seconds"]) == ("Tall", "720x1280", None)
    assert updated.json()["prompt_prefix"] is None
    assert (await client.delete(f"/api/presets/{preset['id']}", headers=user_headers)).status_code == 200
    assert (await client.get("/api/presets", headers=user_headers)).json()["presets"] == []


async def test_shared_presets_are_published_by_admins_only(client, user_headers, admin_headers):
    refused = await client.post("/api/presets", json={**STYLE, "shared": True}, headers=user_headers)
    assert refused.status_code == 403
    shared = await save(client, admin_headers, name="House style", shared=True)
    private = await save(client, admin_headers, name="Admin's own")
    mine = await save(client, user_headers, name="Mine")
    seen = {p["name"]: p["editable"] for p in (await client.get("/api/presets", headers=user_headers)).json()["presets"]}
    assert seen == {"House style": False, "Mine": True}  # shared first; another user's private one is not there
    used = await client.post("/api/videos", json={"prompt": "a lake", "preset_id": shared["id"]}, headers=user_headers)
    assert used.status_code == 200 and used.json()["size"] == "1792x1024"
    assert (await client.put(f"/api/presets/{shared['id']}", json=STYLE, headers=user_headers)).status_code == 403
    assert (await client.delete(f"/api/presets/{shared['id']}", headers=user_headers)).status_code == 403
    promote = await client.put(f"/api/presets/{mine['id']}", json={**STYLE, "shared": True}, headers=user_headers)
    assert promote.status_code == 403
    for method, path, body in (("GET", f"/api/presets/{private['id']}", None),
                               ("PUT", f"/api/presets/{private['id']}", STYLE),
                               ("DELETE", f"/api/presets/{private['id']}", None),
                               ("POST", "/api/videos", {"prompt": "x", "preset_id": private["id"]}),
                               ("POST", "/api/videos/batch", {"prompt": "x", "preset_id": private["id"]})):
        response = await client.request(method, path, json=body, headers=user_headers)
        assert response.status_code == 404, (method, path, response.text)
    edited = await client.put(f"/api/presets/{shared['id']}", json={**STYLE, "name": "House style 2"},
                              headers=admin_headers)
    assert edited.json()["name"] == "House style 2" and edited.json()["shared"] is True
