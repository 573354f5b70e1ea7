"""The MCP server at /mcp, driven by the official MCP client over streamable HTTP against a real server."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import av
import httpx
import pytest
from PIL import Image

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.fixtures.media import png_bytes
from tests.mcp.conftest import (
    error_text, http_session, new_token, password_login, structured, wait_done,
)

pytestmark = pytest.mark.e2e

TOOLS = {"list_models", "create_video", "get_video", "list_videos", "wait_for_video", "remix_video",
         "continue_video", "get_video_frames", "download_video", "delete_video", "get_cost_stats",
         "create_variations", "star_video", "list_collections", "create_collection", "add_to_collection",
         "remove_from_collection", "list_presets", "share", "list_shares", "revoke_share", "bulk_videos",
         "download_videos_zip", "cancel_video", "retry_video", "dismiss_video"}


async def test_tools_are_described_and_typed(live_server, token):
    async with http_session(live_server.url, token) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 30, tool.name
        assert "\n " not in tool.description and "  " not in tool.description, tool.name  # no stray indentation
        assert tool.input_schema["type"] == "object"
        if tool.name != "get_video_frames":  # images are its output
            assert tool.output_schema is not None, tool.name
    assert tools["create_video"].input_schema["required"] == ["prompt"]
    assert tools["delete_video"].annotations.destructive_hint is True


async def test_create_wait_frames_download_and_the_rest(live_server, token):
    async with http_session(live_server.url, token) as session:
        models = structured(await session.call_tool("list_models", {}))
        emulator = next(p for p in models["providers"] if p["id"] == "emulator")
        assert emulator["emulated"] and {"sora-2", "sora-2-pro"} <= {m["id"] for m in emulator["models"]}

        created = structured(await session.call_tool("create_video", {
            "prompt": "a paper boat on a pond", "orientation": "portrait", "seconds": 4}))
        assert created["status"] in ("queued", "in_progress") and created["size"] == "720x1280"
        assert created["estimated_cost"] == 0.0 and created["emulated"] is True  # simulated: $0
        assert created["seconds"] == 4  # seconds in, seconds out: the same type

        progress: list[float] = []

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append(value)

        waited = structured(await session.call_tool(
            "wait_for_video", {"video_id": created["id"], "timeout_seconds": 30}, progress_callback=on_progress))
        if not waited["done"]:
            waited = await wait_done(session, created["id"])
        assert waited["video"]["status"] == "completed" and waited["video"]["download_state"] == "done"
        assert "get_video_frames" in waited["message"] and progress and progress[-1] == 100

        frames = await session.call_tool("get_video_frames", {"video_id": created["id"], "count": 2})
        assert not frames.is_error and frames.structured_content["frame_count"] == 2
        images = [c for c in frames.content if c.type == "image"]
        assert len(images) == 2 and images[0].mime_type == "image/jpeg"
        assert Image.open(io.BytesIO(base64.b64decode(images[0].data))).size == (720, 1280)

        link = structured(await session.call_tool("download_video", {"video_id": created["id"]}))
        assert link["url"].startswith(live_server.url + "/api/media/") and link["path"] is None
        mp4 = httpx.get(link["url"])  # signed: no token needed
        assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
        with av.open(io.BytesIO(mp4.content)) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (720, 1280)
            assert float(stream.duration * stream.time_base) == pytest.approx(4, abs=0.2)

        got = structured(await session.call_tool("get_video", {"video_id": created["id"]}))
        assert got["prompt"] == "a paper boat on a pond" and got["provider"] == "emulator"
        listed = structured(await session.call_tool("list_videos", {"status": "completed", "query": "paper boat"}))
        assert [v["id"] for v in listed["videos"]] == [created["id"]]
        costs = structured(await session.call_tool("get_cost_stats", {}))
        assert costs["user_total"] == costs["user_charged"] == 0.0 and costs["user_count"] >= 1
        assert costs["user_simulated"] == costs["user_videos"] >= 1

        remix = structured(await session.call_tool("remix_video", {"video_id": created["id"],
                                                                   "prompt": "the same boat at night"}))
        follow = structured(await session.call_tool("continue_video", {"video_id": created["id"],
                                                                       "prompt": "the boat sails away"}))
        for child in (remix, follow):
            assert (await wait_done(session, child["id"]))["video"]["status"] == "completed"
        assert structured(await session.call_tool("get_video", {"video_id": follow["id"]}))["continued_from"] \
            == created["id"]

        metadata = await session.read_resource(f"sora2://videos/{created['id']}")
        assert '"status":"completed"' in metadata.contents[0].text.replace(" ", "")
        thumb = await session.read_resource(f"sora2://videos/{created['id']}/thumbnail")
        assert thumb.contents[0].mime_type == "image/webp" and len(base64.b64decode(thumb.contents[0].blob)) > 100

        gone = structured(await session.call_tool("delete_video", {"video_id": remix["id"]}))
        assert gone == {"success": True, "video_id": remix["id"]}
        assert "not found" in error_text(await session.call_tool("get_video", {"video_id": remix["id"]})).lower()


async def test_cancel_retry_and_dismiss(live_server, token):
    async with http_session(live_server.url, token) as session:
        created = structured(await session.call_tool("create_video", {"prompt": "a kite to cancel", "seconds": 8}))
        cancelled = structured(await session.call_tool("cancel_video", {"video_id": created["id"]}))
        assert cancelled["state"] == "cancelled" and cancelled["status"] == "failed", cancelled
        assert cancelled["billing"] in ("none", "charged", "possible")
        waited = structured(await session.call_tool("wait_for_video", {"video_id": created["id"]}))
        assert waited["done"] and "was cancelled" in waited["message"], waited
        again = structured(await session.call_tool("retry_video", {
            "video_id": created["id"], "prompt": "a kite that flies", "seconds": 4, "idempotency_key": "k-1"}))
        same = structured(await session.call_tool("retry_video", {"video_id": created["id"], "idempotency_key": "k-1"}))
        assert again["id"] == same["id"] and again["seconds"] == 4 and again["estimated_cost"] == 0
        info = structured(await session.call_tool("get_video", {"video_id": again["id"]}))
        assert info["retry_of"] == created["id"] and info["prompt"] == "a kite that flies"
        refused = error_text(await session.call_tool("dismiss_video", {"video_id": again["id"]}))
        assert "Only an unconfirmed video can be dismissed" in refused


async def test_image_inputs(live_server, token):
    picture = base64.b64encode(png_bytes(64, 64)).decode()
    async with http_session(live_server.url, token) as session:
        made = structured(await session.call_tool("create_video", {
            "prompt": "from a picture", "size": "1280x720", "image_base64": f"data:image/png;base64,{picture}"}))
        assert made["status"] in ("queued", "in_progress")
        assert "stdio" in error_text(await session.call_tool("create_video", {
            "prompt": "x", "image_path": "/etc/passwd"}))
        assert "public address" in error_text(await session.call_tool("create_video", {
            "prompt": "x", "image_url": f"{live_server.url}/api/healthz"}))
        assert "only one of" in error_text(await session.call_tool("create_video", {
            "prompt": "x", "image_url": "https://example.com/a.png", "image_base64": picture}))
        assert "not valid base64" in error_text(await session.call_tool("create_video", {
            "prompt": "x", "image_base64": "%%%"}))


async def test_bad_arguments_are_tool_errors_with_rest_messages(live_server, token):
    async with http_session(live_server.url, token) as session:
        unknown = error_text(await session.call_tool("create_video", {"prompt": "x", "model": "sora-9"}))
        assert "Unknown model 'sora-9'" in unknown and "sora-2" in unknown
        # Invalid arguments: one short line naming the argument, no validation dump and no links.
        bad_seconds = error_text(await session.call_tool("create_video", {"prompt": "x", "seconds": "soon"}))
        assert bad_seconds == "Invalid arguments for create_video: seconds must be a whole number."
        missing = error_text(await session.call_tool("create_video", {}))
        assert missing == "Invalid arguments for create_video: prompt is required."
        wrong = error_text(await session.call_tool("list_videos", {"sort": "random", "limit": "many"}))
        assert wrong.startswith("Invalid arguments for list_videos: ") and "http" not in wrong and len(wrong) < 200
        assert "sort must be 'newest', 'oldest', 'duration' or 'cost'" in wrong and "limit" in wrong
        assert "not found" in error_text(await session.call_tool("get_video", {"video_id": "nope"})).lower()
        assert error_text(await session.call_tool("list_videos", {"limit": 0}))
        # The session survives every one of them.
        assert structured(await session.call_tool("get_cost_stats", {}))["user_count"] >= 0


async def test_tokens_gate_every_request(live_server, admin_login):
    assert httpx.post(f"{live_server.url}/mcp", json={}).status_code == 401
    forged = httpx.post(f"{live_server.url}/mcp", json={}, headers={"Authorization": "Bearer s2p_forged"})
    assert forged.status_code == 401 and forged.json()["error"] == "Invalid token"

    created = new_token(live_server.url, admin_login, name="short-lived")
    async with http_session(live_server.url, created["token"]) as session:
        assert structured(await session.call_tool("get_cost_stats", {}))
        httpx.delete(f"{live_server.url}/api/tokens/{created['id']}", headers=admin_login).raise_for_status()
        with pytest.raises(Exception):  # noqa: B017  (the transport reports the 401 its own way)
            await session.call_tool("get_cost_stats", {})


async def test_read_scope_and_user_isolation(live_server, admin_login, token):
    reader = new_token(live_server.url, admin_login, name="reader", scopes=["read"])["token"]
    async with http_session(live_server.url, reader) as session:
        assert structured(await session.call_tool("list_videos", {}))["limit"] == 20
        assert "read-only" in error_text(await session.call_tool("create_video", {"prompt": "nope"}))

    httpx.post(f"{live_server.url}/api/admin/users", json={"username": "mallory", "password": "password-123"},
               headers=admin_login).raise_for_status()
    mallory = new_token(live_server.url, password_login(live_server.url, "mallory", "password-123"))["token"]
    async with http_session(live_server.url, token) as admin_session:
        video = structured(await admin_session.call_tool("create_video", {"prompt": "admin's own"}))
    async with http_session(live_server.url, mallory) as session:
        assert structured(await session.call_tool("list_videos", {}))["videos"] == []
        for tool in ("get_video", "delete_video", "get_video_frames", "download_video"):
            message = error_text(await session.call_tool(tool, {"video_id": video["id"]}))
            assert message.endswith(("Not authorized", "Video not found", "Video not found or not authorized")), \
                (tool, message)


async def test_host_and_origin_checks(live_server, token):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    bad_host = httpx.post(f"{live_server.url}/mcp", json=body, headers={**headers, "Host": "evil.example"})
    assert bad_host.status_code == 421
    bad_origin = httpx.post(f"{live_server.url}/mcp", json=body, headers={**headers, "Origin": "https://evil.example"})
    assert bad_origin.status_code == 403


def _initialize(url: str, token: str) -> str:
    """Open an MCP session over plain HTTP; returns its id."""
    response = httpx.post(f"{url}/mcp", headers={"Authorization": f"Bearer {token}",
                                                 "Accept": "application/json, text/event-stream"},
                          json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                              "protocolVersion": "2025-06-18", "capabilities": {},
                              "clientInfo": {"name": "test", "version": "1"}}}, timeout=30)
    assert response.status_code == 200, response.text
    return response.headers["mcp-session-id"]


@pytest.fixture
def stateful_server(tmp_path) -> Iterator[LiveServer]:
    """Sessions exist only with SORA2_MCP_STATELESS=false (stateless, the default, has none to take over)."""
    server = LiveServer(tmp_path / "data", env_overrides={"SORA2_MCP_STATELESS": "false"}).start()
    yield server
    server.stop()


def test_a_session_belongs_to_the_user_who_opened_it(stateful_server):
    live_server = stateful_server
    admin_login = password_login(live_server.url, "admin", ADMIN_PASSWORD)
    owner = new_token(live_server.url, admin_login, "owner")["token"]
    created = httpx.post(f"{live_server.url}/api/admin/users", json={"username": "intruder",
                                                                     "password": "intruder-pass-1"},
                         headers=admin_login)
    assert created.status_code == 200, created.text
    other = new_token(live_server.url, password_login(live_server.url, "intruder", "intruder-pass-1"))["token"]
    session_id = _initialize(live_server.url, owner)

    def call(token: str, method: str, **kwargs) -> httpx.Response:  # noqa: ANN003
        headers = {"Authorization": f"Bearer {token}", "mcp-session-id": session_id,
                   "Accept": "application/json, text/event-stream"}
        return httpx.request(method, f"{live_server.url}/mcp", headers=headers, timeout=30, **kwargs)

    listing = {"json": {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}}
    for method, kwargs in (("DELETE", {}), ("POST", listing), ("GET", {})):
        stolen = call(other, method, **kwargs)
        assert stolen.status_code == 404 and stolen.json()["code"] == "session_not_found", (method, stolen.text)
    assert call(owner, "DELETE").status_code == 200  # still there, and its owner may end it
    assert call(owner, "POST", **listing).status_code == 404  # ended
