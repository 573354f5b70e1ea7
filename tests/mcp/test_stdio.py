"""`sora2 mcp` over stdio, driven by the official MCP client, talking to a real server with a personal token."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import av
import pytest

from tests.fixtures.media import png_bytes
from tests.mcp.conftest import error_text, stdio_session, structured, wait_done

pytestmark = pytest.mark.e2e


@pytest.fixture
def picture_server():
    body = png_bytes(96, 64)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/picture.png"
    server.shutdown()


async def test_stdio_full_flow_with_local_files(live_server, token, tmp_path, picture_server):
    image = tmp_path / "start.png"
    image.write_bytes(png_bytes(128, 72))
    async with stdio_session(live_server.url, token, tmp_path / "config", tmp_path) as session:
        made = structured(await session.call_tool("create_video", {
            "prompt": "a kite over a beach", "image_path": str(image), "size": "1280x720", "seconds": 4}))
        from_url = structured(await session.call_tool("create_video", {
            "prompt": "from a URL", "image_url": picture_server, "orientation": "landscape"}))
        assert from_url["size"] == "1280x720"
        done = await wait_done(session, made["id"])
        assert done["video"]["status"] == "completed"

        frames = await session.call_tool("get_video_frames", {"video_id": made["id"], "count": 3})
        assert sum(1 for c in frames.content if c.type == "image") == 3

        saved = structured(await session.call_tool("download_video", {"video_id": made["id"]}))
        assert saved["url"] is None and Path(saved["path"]) == (tmp_path / f"{made['id']}.mp4").resolve()
        chosen = structured(await session.call_tool("download_video", {
            "video_id": made["id"], "path": str(tmp_path / "out" / "kite.mp4")}))
        for path in (saved["path"], chosen["path"]):
            with av.open(path) as container:
                assert (container.streams.video[0].width, container.streams.video[0].height) == (1280, 720)
        assert chosen["bytes"] == Path(chosen["path"]).stat().st_size
        assert "Cannot read image_path" in error_text(await session.call_tool("create_video", {
            "prompt": "x", "image_path": str(tmp_path / "missing.png")}))


async def test_stdio_refuses_to_start_without_credentials(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "sora2", "mcp"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SORA2_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 1 and "sora2 login" in result.stderr and result.stdout == ""


async def test_stdio_reports_a_bad_token(live_server, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "sora2", "mcp"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SORA2_CONFIG_DIR": str(tmp_path),
                                 "SORA2_URL": live_server.url, "SORA2_TOKEN": "s2p_revoked"})
    assert result.returncode == 1 and "Invalid token" in result.stderr and "s2p_revoked" not in result.stderr
