"""Collections through the real app: create, rename, delete, membership, filtering, and other users' objects."""

from __future__ import annotations

import asyncio
import uuid

from tests.videos.helpers import create_video


async def make(client, headers, name: str) -> dict:  # noqa: ANN001
    response = await client.post("/api/collections", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def listed(client, headers, query: str) -> list[str]:  # noqa: ANN001
    return [v["id"] for v in (await client.get(f"/api/videos{query}", headers=headers)).json()["videos"]]


async def test_create_rename_delete(client, user_headers):
    board = await make(client, user_headers, "  Trailer   shots ")
    assert board["name"] == "Trailer shots" and board["video_count"] == 0
    duplicate = await client.post("/api/collections", json={"name": "trailer SHOTS"}, headers=user_headers)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_name"
    renamed = await client.patch(f"/api/collections/{board['id']}", json={"name": "Teaser"}, headers=user_headers)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Teaser"
    for body in ({"name": ""}, {"name": "x" * 101}, {"name": 5}, {}):
        bad = await client.post("/api/collections", json=body, headers=user_headers)
        assert bad.status_code == 400, body
    names = [c["name"] for c in (await client.get("/api/collections", headers=user_headers)).json()["collections"]]
    assert names == ["Teaser"]
    assert (await client.delete(f"/api/collections/{board['id']}", headers=user_headers)).status_code == 200
    assert (await client.get(f"/api/collections/{board['id']}", headers=user_headers)).status_code == 404


async def test_names_are_one_in_every_alphabet_and_under_concurrent_creates(client, user_headers):
    # Found by the fuzzer: SQLite's lower() folds ASCII only, so this name passed the check twice and hit the
    # unique constraint (a 500).
    name = "\u00fd\u0005\u00d0\u0010\u00bb\U000959b3"
    first = await client.post("/api/collections", json={"name": name}, headers=user_headers)
    assert first.status_code == 201
    for again in (name, name.upper(), "ΣΟΦΊΑ"):
        response = await client.post("/api/collections", json={"name": again}, headers=user_headers)
        assert response.status_code == (201 if again == "ΣΟΦΊΑ" else 409), (again, response.text)
    assert (await client.post("/api/collections", json={"name": "σοφία"}, headers=user_headers)).status_code == 409

    racing = await asyncio.gather(*(client.post("/api/collections", json={"name": "at once"}, headers=user_headers)
                                    for _ in range(5)))
    assert sorted(r.status_code for r in racing) == [201, 409, 409, 409, 409]


async def test_a_video_in_several_collections_and_the_filter(client, user_headers):
    a, b = await make(client, user_headers, "A"), await make(client, user_headers, "B")
    v1 = await create_video(client, user_headers, prompt="one")
    v2 = await create_video(client, user_headers, prompt="two")
    assert (await listed(client, user_headers, f"?collection={a['id']}")) == []  # cached empty page…
    added = await client.post(f"/api/collections/{a['id']}/videos", json={"video_ids": [v1["id"], v2["id"]]},
                              headers=user_headers)
    assert added.status_code == 200 and added.json()["changed"] == 2 and added.json()["collection"]["video_count"] == 2
    again = await client.post(f"/api/collections/{a['id']}/videos", json={"video_ids": [v1["id"]]},
                              headers=user_headers)
    assert again.json()["changed"] == 0
    await client.post(f"/api/collections/{b['id']}/videos", json={"video_ids": [v1["id"]]}, headers=user_headers)
    assert sorted(await listed(client, user_headers, f"?collection={a['id']}")) == sorted([v1["id"], v2["id"]])  # …dropped
    assert await listed(client, user_headers, f"?collection={b['id']}") == [v1["id"]]
    flags = (await client.get(f"/api/collections?video_id={v2['id']}", headers=user_headers)).json()["collections"]
    assert {c["name"]: c["contains"] for c in flags} == {"A": True, "B": False}
    removed = await client.delete(f"/api/collections/{a['id']}/videos/{v2['id']}", headers=user_headers)
    assert removed.json()["changed"] == 1
    assert await listed(client, user_headers, f"?collection={a['id']}") == [v1["id"]]
    # Deleting a collection keeps its videos; deleting a video takes it out of every collection.
    await client.delete(f"/api/collections/{b['id']}", headers=user_headers)
    assert len(await listed(client, user_headers, "")) == 2
    await client.delete(f"/api/videos/{v1['id']}", headers=user_headers)
    assert (await client.get(f"/api/collections/{a['id']}", headers=user_headers)).json()["video_count"] == 0


async def test_bulk_add_and_remove(client, user_headers):
    board = await make(client, user_headers, "Picks")
    videos = [await create_video(client, user_headers, prompt=f"v{i}") for i in range(3)]
    chosen = [v["id"] for v in videos[:2]]
    body = {"action": "add_to_collection", "video_ids": chosen, "collection_id": board["id"]}
    assert (await client.post("/api/videos/bulk", json=body, headers=user_headers)).json()["done"] == chosen
    assert sorted(await listed(client, user_headers, f"?collection={board['id']}")) == sorted(chosen)
    body["action"] = "remove_from_collection"
    await client.post("/api/videos/bulk", json=body, headers=user_headers)
    assert await listed(client, user_headers, f"?collection={board['id']}") == []


async def test_other_users_collections_and_videos_are_not_found(client, user_headers, admin_headers):
    theirs = await make(client, admin_headers, "Admin's board")
    their_video = await create_video(client, admin_headers, prompt="admin's")
    mine = await make(client, user_headers, "Mine")
    my_video = await create_video(client, user_headers, prompt="mine")
    attempts = [
        ("GET", f"/api/collections/{theirs['id']}", None),
        ("PATCH", f"/api/collections/{theirs['id']}", {"name": "taken over"}),
        ("DELETE", f"/api/collections/{theirs['id']}", None),
        ("POST", f"/api/collections/{theirs['id']}/videos", {"video_ids": [my_video["id"]]}),
        ("POST", f"/api/collections/{mine['id']}/videos", {"video_ids": [their_video["id"]]}),
        ("DELETE", f"/api/collections/{theirs['id']}/videos/{their_video['id']}", None),
        ("GET", f"/api/videos?collection={theirs['id']}", None),
        ("GET", f"/api/collections/{uuid.uuid4()}", None),
        ("POST", "/api/videos/bulk", {"action": "add_to_collection", "video_ids": [my_video["id"]],
                                      "collection_id": theirs["id"]}),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=user_headers)
        assert response.status_code == 404, (method, path, response.text)
        assert "admin" not in response.text.lower()
    names = [c["name"] for c in (await client.get("/api/collections", headers=user_headers)).json()["collections"]]
    assert names == ["Mine"]
    assert (await client.get(f"/api/collections/{theirs['id']}", headers=admin_headers)).json()["name"] == "Admin's board"
