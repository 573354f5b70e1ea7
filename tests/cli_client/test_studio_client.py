"""StudioClient against the real app in-process (the MCP server's way: httpx.ASGITransport) and over TCP."""

from __future__ import annotations

import av
import httpx
import pytest

from sora2.client import ApiError, ServerUnreachable, StudioClient
from tests.conftest import ADMIN_PASSWORD
from tests.fixtures.live import free_port
from tests.fixtures.media import png_bytes


@pytest.fixture
async def studio(app):  # noqa: ANN001, ANN201
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with StudioClient("http://testserver/", transport=transport) as client:
        await client.login("admin", ADMIN_PASSWORD)
        yield client


async def test_login_sets_the_token_and_me_answers(app):
    transport = httpx.ASGITransport(app=app)
    async with StudioClient("http://testserver/api", transport=transport) as client:
        assert client.base_url == "http://testserver"
        with pytest.raises(ApiError) as missing:
            await client.me()
        assert (missing.value.status, missing.value.message) == (401, "No token provided")
        result = await client.login("admin", ADMIN_PASSWORD)
        assert client.token == result["token"] and result["user"]["username"] == "admin"
        assert (await client.me())["user"]["role"] == "admin"
        assert "token" not in repr(client).replace("token=set", "")


async def test_wrong_password_is_an_api_error_with_the_servers_message(app):
    async with StudioClient("http://testserver", transport=httpx.ASGITransport(app=app)) as client:
        with pytest.raises(ApiError) as refused:
            await client.login("admin", "wrong")
    assert refused.value.status == 401 and refused.value.message == "Invalid credentials"
    assert refused.value.code == "invalid_credentials" and client.token is None


async def test_create_as_json_wait_and_download(studio, tmp_path):
    providers = await studio.providers()
    assert providers["default_model"] == "sora-2"
    video = await studio.create_video("a kite over a beach", size="720x1280", seconds=4)
    assert (video["size"], video["seconds"], video["has_input_reference"]) == ("720x1280", "4", False)
    seen: list[str] = []
    done = await studio.wait_for_video(video["id"], timeout=60, poll_interval=0.3,
                                       on_update=lambda v: seen.append(v["status"]))
    assert done["status"] == "completed" and done["download_state"] == "done" and seen[-1] == "completed"
    progress: list[tuple[int, int | None]] = []
    saved = await studio.download(video["id"], tmp_path,
                                  on_progress=lambda n, total: progress.append((n, total)))
    assert saved == tmp_path / f"{video['id']}.mp4"
    assert progress[-1][0] == saved.stat().st_size == progress[-1][1]
    with av.open(str(saved)) as container:
        assert container.streams.video[0].codec_context.height == 1280
    shots = await studio.screenshots(video["id"], count=2)
    assert shots["frame_count"] == 2 and shots["frames"][-1]["is_final_frame"] is True
    listing = await studio.list_videos(status="completed", q="kite")
    assert [v["id"] for v in listing["videos"]] == [video["id"]]
    assert (await studio.cost_stats())["user_count"] == 1


async def test_create_multipart_with_an_image_and_idempotency(studio):
    image = png_bytes(200, 100)
    first = await studio.create_video("a red square grows", seconds="4", image=image, image_filename="sq.png",
                                      extra={"image_fit": "crop"}, idempotency_key="same-key-1")
    again = await studio.create_video("a red square grows", seconds="4", image=image, image_filename="sq.png",
                                      idempotency_key="same-key-1")
    assert first["has_input_reference"] is True and again["id"] == first["id"]
    assert (await studio.list_videos())["total"] == 1


async def test_remix_continue_and_delete(studio, tmp_path):
    original = await studio.create_video("a train at dusk", seconds=4)
    await studio.wait_for_video(original["id"], timeout=60, poll_interval=0.3)
    remix = await studio.remix_video(original["id"], "the same train at dawn", idempotency_key="remix-1")
    follow = await studio.continue_video(original["id"], "it enters a tunnel", seconds=4)
    assert remix["remix_of"] == original["id"] and follow["continued_from"] == original["id"]
    assert (await studio.delete_video(follow["id"]))["success"] is True
    with pytest.raises(ApiError) as gone:
        await studio.get_video(follow["id"])
    assert gone.value.status == 404 and gone.value.message == "Video not found"


async def test_refusals_carry_status_message_and_code(studio, tmp_path):
    with pytest.raises(ApiError) as bad_size:
        await studio.create_video("a cat", size="1920x1080")
    assert bad_size.value.status == 400
    assert str(bad_size.value) == "Size '1920x1080' is not supported by sora-2. Allowed: 1280x720, 720x1280"
    with pytest.raises(ApiError) as not_image:
        await studio.create_video("a cat", image=b"plain text, not an image")
    assert not_image.value.status == 415
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with pytest.raises(ApiError) as missing:
        await studio.download("no-such-video", downloads / "x.mp4")
    assert missing.value.status == 404 and list(downloads.iterdir()) == []


async def test_wait_returns_the_current_record_when_time_runs_out(studio):
    video = await studio.create_video("a slow sunrise", seconds=4)
    record = await studio.wait_for_video(video["id"], timeout=0)
    assert record["id"] == video["id"] and record["status"] in ("queued", "in_progress")


async def test_personal_token_from_create_token_works_like_a_login(app, studio):
    created = await studio.create_token("script", ["read"], expires_in_days=7)
    assert created["token"].startswith("s2p_") and created["scopes"] == ["read"]
    transport = httpx.ASGITransport(app=app)
    async with StudioClient("http://testserver", created["token"], transport=transport) as bot:
        assert (await bot.me())["user"]["username"] == "admin"
        with pytest.raises(ApiError) as read_only:
            await bot.create_video("a cat")
        assert read_only.value.status == 403 and read_only.value.code == "insufficient_scope"
    assert [t["name"] for t in (await studio.list_tokens())["tokens"]] == ["script"]
    await studio.revoke_token(created["id"])
    assert (await studio.list_tokens())["tokens"] == []


async def test_unreachable_server_is_an_api_error_with_status_0():
    url = f"http://127.0.0.1:{free_port()}"
    async with StudioClient(url, "s2p_x", timeout=5) as client:
        with pytest.raises(ServerUnreachable) as failed:
            await client.list_videos()
    assert failed.value.status == 0 and isinstance(failed.value, ApiError)
    expected = f"Cannot reach the server at {url}: connection refused (is the server running?)"
    assert failed.value.message == expected


class _BrokenBody(httpx.AsyncByteStream):
    """A body that stops half way, as when a connection drops mid-download."""

    async def __aiter__(self):  # noqa: ANN204
        yield b"\x00" * 1000
        raise httpx.ReadError("connection reset by peer")


async def test_an_interrupted_download_leaves_no_file(tmp_path):
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"content-length": "5000"}, stream=_BrokenBody()))
    async with StudioClient("http://studio.test", "s2p_x", transport=transport) as client:
        with pytest.raises(ServerUnreachable) as cut:
            await client.download("v1", tmp_path / "v1.mp4")
    assert "download interrupted" in cut.value.message
    assert list(tmp_path.iterdir()) == []
