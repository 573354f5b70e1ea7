"""The organising tools over MCP (streamable HTTP and stdio) against a real server: stars, collections, presets,
share links, bulk actions, ZIPs, variations, idempotency keys, and other users' objects."""

from __future__ import annotations

import io
import zipfile

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.mcp.conftest import (
    error_text, http_session, new_token, password_login, stdio_session, structured, wait_done,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def other_token(live_server, admin_login) -> str:
    httpx.post(f"{live_server.url}/api/admin/users", json={"username": "mallory", "password": "mallory-pass-1"},
               headers=admin_login).raise_for_status()
    return new_token(live_server.url, password_login(live_server.url, "mallory", "mallory-pass-1"))["token"]


async def finished_video(session: ClientSession, prompt: str) -> str:
    created = structured(await session.call_tool("create_video", {"prompt": prompt, "seconds": 4}))
    await wait_done(session, created["id"])
    return created["id"]


async def test_idempotency_key_and_variations(live_server, token):
    async with http_session(live_server.url, token) as session:
        args = {"prompt": "once only", "seconds": 4, "idempotency_key": "agent-retry-1"}
        first = structured(await session.call_tool("create_video", args))
        again = structured(await session.call_tool("create_video", args))
        assert again["id"] == first["id"]
        batch = structured(await session.call_tool("create_variations", {
            "prompt": "three takes", "count": 3, "seconds": 4, "idempotency_key": "agent-batch-1"}))
        assert len(batch["videos"]) == 3 and batch["estimated_total"] == 0.0
        assert all(v["batch_id"] == batch["batch_id"] and v["seconds"] == 4 for v in batch["videos"])
        listed = structured(await session.call_tool("list_videos", {"batch_id": batch["batch_id"]}))
        assert listed["total"] == 3
        assert "count must be" in error_text(await session.call_tool("create_variations", {"prompt": "x", "count": 9}))


async def test_star_collect_share_and_zip(live_server, token):
    async with http_session(live_server.url, token) as session:
        ids = [await finished_video(session, f"organised clip {i}") for i in range(2)]
        starred = structured(await session.call_tool("star_video", {"video_id": ids[0]}))
        assert starred == {"video_id": ids[0], "favourite": True}
        favourites = structured(await session.call_tool("list_videos", {"favourites_only": True}))
        assert [v["id"] for v in favourites["videos"]] == [ids[0]] and favourites["videos"][0]["favourite"]

        board = structured(await session.call_tool("create_collection", {"name": "Agent picks"}))
        added = structured(await session.call_tool("add_to_collection", {"collection_id": board["id"],
                                                                         "video_ids": ids}))
        assert added["changed"] == 2 and added["collection"]["video_count"] == 2
        inside = structured(await session.call_tool("list_videos", {"collection_id": board["id"]}))
        assert sorted(v["id"] for v in inside["videos"]) == sorted(ids)
        flags = structured(await session.call_tool("list_collections", {"video_id": ids[0]}))["collections"]
        assert any(c["id"] == board["id"] and c["contains"] for c in flags)

        link = structured(await session.call_tool("share", {"collection_id": board["id"], "show_prompt": True}))
        assert link["url"].startswith(live_server.url + "/s/") and link["state"] == "active"
        token_part = link["url"].rsplit("/", 1)[1]
        public = httpx.get(f"{live_server.url}/api/public/shares/{token_part}")  # no sign-in
        assert public.status_code == 200 and len(public.json()["videos"]) == 2
        revoked = structured(await session.call_tool("revoke_share", {"share_id": link["id"]}))
        assert revoked["state"] == "revoked"
        assert httpx.get(f"{live_server.url}/api/public/shares/{token_part}").status_code == 404

        archive = structured(await session.call_tool("download_videos_zip", {"video_ids": ids}))
        assert archive["count"] == 2 and archive["url"].startswith(live_server.url)
        body = httpx.get(archive["url"]).content
        with zipfile.ZipFile(io.BytesIO(body)) as zipped:
            assert len(zipped.namelist()) == 2 and all(zipped.read(n)[4:8] == b"ftyp" for n in zipped.namelist())

        bulk = structured(await session.call_tool("bulk_videos", {"action": "remove_from_collection",
                                                                  "video_ids": ids, "collection_id": board["id"]}))
        assert bulk["done"] == ids
        removed = structured(await session.call_tool("remove_from_collection", {"collection_id": board["id"],
                                                                               "video_id": ids[0]}))
        assert removed["changed"] == 0 and removed["collection"]["video_count"] == 0


async def test_presets_over_mcp(live_server, token, admin_login):
    httpx.post(f"{live_server.url}/api/presets", headers=admin_login, json={
        "name": "Agent style", "model": "sora-2", "size": "720x1280", "seconds": "4",
        "prompt_suffix": "In watercolour."}).raise_for_status()
    async with http_session(live_server.url, token) as session:
        presets = structured(await session.call_tool("list_presets", {}))["presets"]
        assert any(p["name"] == "Agent style" and p["size"] == "720x1280" for p in presets)
        made = structured(await session.call_tool("create_video", {"prompt": "a heron", "preset": "Agent style"}))
        assert made["size"] == "720x1280" and made["seconds"] == 4
        video = structured(await session.call_tool("get_video", {"video_id": made["id"]}))
        assert video["prompt"] == "a heron In watercolour."
        assert "No preset" in error_text(await session.call_tool("create_video", {"prompt": "x", "preset": "nope"}))


async def test_other_users_objects_are_not_found(live_server, token, other_token):
    async with http_session(live_server.url, token) as session:
        video = structured(await session.call_tool("create_video", {"prompt": "admin's own", "seconds": 4}))
        board = structured(await session.call_tool("create_collection", {"name": "Admin board"}))
    async with http_session(live_server.url, other_token) as intruder:
        for tool, args in (("star_video", {"video_id": video["id"]}),
                           ("add_to_collection", {"collection_id": board["id"], "video_ids": [video["id"]]}),
                           ("share", {"video_id": video["id"]}), ("share", {"collection_id": board["id"]}),
                           ("download_videos_zip", {"video_ids": [video["id"]]})):
            message = error_text(await intruder.call_tool(tool, args))
            assert "not found" in message.lower() and "admin" not in message.lower(), (tool, message)
        bulk = structured(await intruder.call_tool("bulk_videos", {"action": "delete", "video_ids": [video["id"]]}))
        assert bulk["done"] == [] and bulk["not_found"] == [video["id"]]
        assert structured(await intruder.call_tool("list_collections", {}))["collections"] == []


async def test_trailing_slash_is_the_same_endpoint(live_server, token):
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http, \
            streamable_http_client(f"{live_server.url}/mcp/", http_client=http) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        assert "star_video" in {t.name for t in (await session.list_tools()).tools}


async def test_stdio_writes_the_zip(live_server, token, tmp_path):
    async with stdio_session(live_server.url, token, tmp_path / "config", tmp_path) as session:
        video_id = await finished_video(session, "zipped over stdio")
        written = structured(await session.call_tool("download_videos_zip", {"video_ids": [video_id],
                                                                            "path": str(tmp_path)}))
        with zipfile.ZipFile(written["path"]) as zipped:
            assert len(zipped.namelist()) == 1
