"""What a round-robin balancer may do to clients: an MCP client's consecutive requests land on different
instances, Socket.IO long-polling (the original's clients) needs the documented `ip_hash`, and the original
system's own nginx config (HTTP and HTTPS, `Host $host`) keeps Socket.IO connected."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import socketio

from sora2.client.studio import StudioClient
from tests.e2e.test_full_flow import EventLog, completed
from tests.fixtures.cluster import Cluster
from tests.fixtures.live import free_port
from tests.fixtures.nginx import Nginx, documented_site, original_site, self_signed_certificate
from tests.mcp.conftest import http_session, structured

pytestmark = pytest.mark.e2e


def _instances(cluster: Cluster) -> set[str]:
    return {f"127.0.0.1:{s.port}" for s in cluster.instances}


async def test_an_mcp_client_works_across_instances(cluster: Cluster, token: str):
    async with http_session(cluster.url, token) as session:
        tools = {t.name for t in (await session.list_tools()).tools}
        assert {"create_video", "wait_for_video", "get_video"} <= tools
        created = structured(await session.call_tool("create_video", {"prompt": "an agent's video", "seconds": 4}))
        progress: list[float] = []

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append(value)

        waited = structured(await session.call_tool("wait_for_video", {"video_id": created["id"],
                                                                        "timeout_seconds": 30},
                                                    progress_callback=on_progress))
        assert waited["done"] and waited["video"]["status"] == "completed", waited
        for _ in range(2):  # two more calls: one per instance
            got = structured(await session.call_tool("get_video", {"video_id": created["id"]}))
            assert got["status"] == "completed"
    assert progress and progress[-1] == 100
    served = cluster.nginx.upstreams("POST", "/mcp")
    assert set(served) == _instances(cluster) and min(served.values()) >= 2, served


async def test_the_python_client_follows_media_to_the_store(cluster: Cluster, token: str, tmp_path):  # noqa: ANN001
    async with StudioClient(cluster.url, token) as client:
        video = await client.create_video("downloaded from the bucket", seconds="4")
        done = await client.wait_for_video(video["id"], timeout=60, poll_interval=0.3)
        assert done["download_state"] == "done", done
        saved = await client.download(video["id"], tmp_path)
        thumbnail = await client.content(video["id"], "thumbnail")
    assert saved.read_bytes()[4:8] == b"ftyp" and thumbnail[8:12] == b"WEBP"
    assert cluster.s3.client().get_object(Bucket=cluster.bucket, Key=f"library/videos/{video['id']}.mp4")[
        "Body"].read() == saved.read_bytes()


@pytest.fixture(scope="module")
def sticky(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """The documented configuration with its `ip_hash;` line switched on."""
    port = free_port()
    site = documented_site([s.port for s in cluster.instances], port, sticky=True)
    nginx = Nginx(tmp_path_factory.mktemp("nginx-sticky"), site, port).start()
    yield nginx
    nginx.stop()


def _second_poll(url: str) -> int:
    """An engine.io long-polling session: the handshake, then the next poll of the same session."""
    with httpx.Client(base_url=url, timeout=10) as http:
        handshake = http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
        assert handshake.status_code == 200
        sid = handshake.text[handshake.text.index("{"):].split('"sid":"')[1].split('"')[0]
        return http.post("/socket.io/", params={"EIO": "4", "transport": "polling", "sid": sid},
                         content=b"40").status_code


async def _follow_one_video(url: str, token: str, origin: str, transports: list[str]) -> EventLog:
    """A Socket.IO client hears a video made through the same proxy, and stays connected throughout."""
    log, dropped = EventLog(), []
    sio = socketio.AsyncClient(reconnection=False, ssl_verify=False)
    sio.on("video_update", log.add)
    sio.on("disconnect", lambda *args: dropped.append(args))
    await sio.connect(url, auth={"token": token}, transports=transports, headers={"Origin": origin},
                      wait_timeout=10)
    try:
        async with httpx.AsyncClient(base_url=url, verify=False, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            answer = await http.post("/api/videos", json={"prompt": "watched live", "seconds": "4"})
            assert answer.status_code == 200, answer.text
        await log.wait_until(lambda: completed(log, answer.json()["id"]), timeout=60)
        assert sio.connected and dropped == []
    finally:
        await sio.disconnect()
    return log


async def test_long_polling_clients_need_the_documented_ip_hash(cluster: Cluster, token: str, sticky: Nginx):
    # Round-robin: the second poll reaches the other instance, which never heard of the session.
    assert await asyncio.to_thread(_second_poll, cluster.url) == 400
    assert await asyncio.to_thread(_second_poll, sticky.url) == 200
    # With ip_hash, a client that starts with polling (socket.io's default, the original's UI) works throughout.
    await _follow_one_video(sticky.url, token, sticky.url, ["polling", "websocket"])


@pytest.fixture(scope="module")
def original(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The original's nginx config in front of one instance, as the original ran: (http URL, https URL)."""
    folder = tmp_path_factory.mktemp("nginx-original")
    cert, key = self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    nginx = Nginx(folder, original_site([cluster.instances[0].port], http_port, https_port, cert, key),
                  http_port).start()
    yield f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}"
    nginx.stop()


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("transports", [["polling", "websocket"], ["websocket"]], ids=["polling-first", "websocket"])
async def test_the_originals_nginx_config_keeps_socketio_connected(original, token: str, scheme: str,
                                                                    transports: list[str]):
    url = original[0] if scheme == "http" else original[1]
    await _follow_one_video(url, token, url, transports)  # the page's origin carries a port that Host lacks


async def test_through_the_originals_config_other_origins_are_still_refused(original, token: str):
    refused = socketio.AsyncClient(reconnection=False, ssl_verify=False)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await refused.connect(original[1], auth={"token": token}, transports=["websocket"],
                                  headers={"Origin": "https://evil.example"}, wait_timeout=10)
    finally:
        if refused.eio.http is not None:  # a refused handshake leaves the client's HTTP session open
            await refused.eio.http.close()


def test_the_sign_in_limit_holds_across_instances(cluster: Cluster, headers: dict):
    """Five wrong passwords per (account, address) and window, whichever instance each attempt reaches."""
    made = httpx.post(f"{cluster.url}/api/admin/users", headers=headers, timeout=10,
                      json={"username": "guessed", "password": "a-long-password-42"})
    assert made.status_code == 200, made.text
    before = cluster.nginx.upstreams("POST", "/api/auth/login")
    answers = [httpx.post(f"{cluster.url}/api/auth/login", timeout=30,
                          json={"username": "guessed", "password": f"wrong-guess-{i:02d}"}).status_code
               for i in range(6)]
    assert answers == [401] * 5 + [429], answers
    served = cluster.nginx.upstreams("POST", "/api/auth/login")
    assert all(served.get(upstream, 0) > before.get(upstream, 0) for upstream in _instances(cluster)), served
