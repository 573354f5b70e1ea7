"""Two instances with no shared disk behind nginx round-robin: 40 videos (half from reference images) all finish,
every video and thumbnail answers from both instances, Socket.IO clients on either instance hear every video,
and nothing of the library is on an instance's disk. The run's figures are printed (docs/deployment.md)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import socketio

from tests.e2e.test_full_flow import EventLog, completed
from tests.fixtures.cluster import Cluster
from tests.fixtures.media import png_bytes
from tests.fixtures.services import wait_for

pytestmark = pytest.mark.e2e
VIDEOS = 40
FINISH_WITHIN = 300.0  # seconds; a bound for a slow, shared test machine, not a performance target


async def connect_websocket(url: str, token: str, log: EventLog, origin: str) -> socketio.AsyncClient:
    """As the web UI connects: WebSocket first, with the page's Origin (a browser always sends it)."""
    sio = socketio.AsyncClient(reconnection=False)
    sio.on("video_update", log.add)
    await sio.connect(url, auth={"token": token}, transports=["websocket"], headers={"Origin": origin},
                      wait_timeout=10)
    return sio


async def _create_all(http: httpx.AsyncClient) -> list[dict]:
    created = []
    for index in range(VIDEOS):
        body = {"prompt": f"scale-out {index}", "seconds": "4", "size": "720x1280"}
        if index % 2:
            files = {"input_reference": ("ref.png", png_bytes(160, 90, (index * 6, 90, 200)), "image/png")}
            answer = await http.post("/api/videos", data=body, files=files)
        else:
            answer = await http.post("/api/videos", json=body)
        assert answer.status_code == 200, answer.text
        created.append(answer.json())
    return created


async def _wait_all_settled(http: httpx.AsyncClient, ids: set[str]) -> list[dict]:
    deadline = time.monotonic() + FINISH_WITHIN
    while True:
        videos = [v for v in (await http.get("/api/videos", params={"limit": 200})).json()["videos"] if v["id"] in ids]
        settled = [v for v in videos if v["status"] in ("completed", "failed") and v["download_state"] != "pending"]
        if len(settled) == len(ids):
            return videos
        if time.monotonic() > deadline:
            stuck = [(v["id"], v["status"], v["download_state"]) for v in videos if v not in settled]
            raise AssertionError(f"{len(stuck)} videos stuck after {FINISH_WITHIN} s: {stuck[:5]}")
        await asyncio.sleep(0.5)


def _media_answers_everywhere(cluster: Cluster, headers: dict, video: dict) -> bytes:
    """Video and thumbnail from each instance (Bearer and signed link), redirects followed; the video's bytes."""
    bodies = []
    for server in cluster.instances:
        with httpx.Client(base_url=server.url, follow_redirects=True, timeout=30) as http:
            mp4 = http.get(f"/api/videos/{video['id']}/content", headers=headers)
            assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4", (server.url, mp4.text)
            assert mp4.history and mp4.history[0].status_code == 307  # the store sent the bytes, not the instance
            assert mp4.content[4:8] == b"ftyp"
            for url in (f"/api/videos/{video['id']}/content?variant=thumbnail", video["media"]["thumbnail"]):
                thumb = http.get(url, headers=headers if "content" in url else None)
                assert thumb.status_code == 200 and thumb.content[8:12] == b"WEBP", (server.url, url)
            if video["has_input_reference"]:
                refs = http.get(f"/api/videos/{video['id']}/reference-images", headers=headers).json()
                assert [i["filename"] for i in refs["images"]] == [f"{video['id']}_first.jpg"]
            bodies.append(mp4.content)
    assert bodies[0] == bodies[1]
    return bodies[0]


async def test_forty_videos_through_round_robin_with_no_shared_disk(cluster: Cluster, token: str, headers: dict):
    logs = [EventLog(), EventLog()]
    sockets = [await connect_websocket(cluster.url, token, log, cluster.url) for log in logs]
    try:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=cluster.url, headers=headers, timeout=30) as http:
            created = await _create_all(http)
            created_in = time.monotonic() - started
            ids = {v["id"] for v in created}
            videos = await _wait_all_settled(http, ids)
        finished_in = time.monotonic() - started
        for log in logs:  # a socket on either instance hears every video finish, whoever tracked it
            await log.wait_until(lambda log=log: all(completed(log, i) for i in ids), timeout=30)
        assert all(s.connected for s in sockets)
    finally:
        for sio in sockets:
            await sio.disconnect()

    failed = [(v["id"], v["error_message"], v["download_error"]) for v in videos if v["status"] != "completed"]
    assert failed == [] and all(v["download_state"] == "done" for v in videos)
    assert sum(v["has_input_reference"] for v in videos) == VIDEOS // 2
    instances = {f"127.0.0.1:{s.port}" for s in cluster.instances}
    creates = cluster.nginx.upstreams("POST", "/api/videos")
    assert set(creates) == instances and sum(creates.values()) == VIDEOS, creates
    # one socket on each instance; nginx logs a WebSocket when it closes, so the second line may come a bit later
    wait_for(lambda: set(cluster.nginx.upstreams("GET", "/socket.io/")) == instances, 10, "both sockets logged")

    served_started = time.monotonic()
    sizes = [len(await asyncio.to_thread(_media_answers_everywhere, cluster, headers, v)) for v in videos]
    served_in = time.monotonic() - served_started
    assert len(cluster.s3.keys(cluster.bucket)) == VIDEOS * 3 + VIDEOS // 2
    for server in cluster.instances:  # nothing of the library on any instance's disk
        media = server.data_dir / "media"
        assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    print(f"\nscale-out figures: {VIDEOS} videos ({VIDEOS // 2} with a reference image) created through nginx in "
          f"{created_in:.1f} s ({creates}); all {VIDEOS} completed and downloaded {finished_in:.1f} s after the "
          f"first create; 0 failed, 0 stuck; {VIDEOS * 2 * 3} media requests (video, thumbnail, signed thumbnail "
          f"on both instances, redirects followed) answered 200 in {served_in:.1f} s; "
          f"MP4s {min(sizes) // 1024}-{max(sizes) // 1024} KB")
