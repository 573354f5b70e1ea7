"""SIGKILL the server while jobs are queued, generating and downloading; after restarts every job completes,
the emulator created exactly one job per video, and no partial file remains."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
VIDEOS = 5


def _videos(server: LiveServer, headers: dict) -> list[dict]:
    return httpx.get(f"{server.url}/api/videos?limit=50", headers=headers, timeout=10).json()["videos"]


def _wait(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _partials(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file() and (p.name.startswith(".tmp-") or p.name.endswith(".part"))]


def test_sigkill_during_queue_generation_and_download(tmp_path):
    server = LiveServer(tmp_path / "data", env_overrides={"SORA2_EMULATOR_CONCURRENCY": "2",
                                                          "SORA2_EMULATOR_JOB_SECONDS": "3"}).start()
    try:
        headers = {"Authorization": f"Bearer {login_sync(server.url, 'admin', ADMIN_PASSWORD)}"}
        for i in range(VIDEOS):
            httpx.post(f"{server.url}/api/videos", json={"prompt": f"restart {i}", "seconds": "4"},
                       headers=headers, timeout=10).raise_for_status()
        # 1: two generating at the provider, three waiting in our local queue.
        _wait(lambda: {"in_progress", "queued"} <= {v["status"] for v in _videos(server, headers)}, 20, "mix")
        server.kill()
        server.start()
        # 2: make downloads hang, then crash in the middle of one.
        httpx.post(f"{server.url}/emulator/_emulator/faults", timeout=10, headers=server.emulator_headers(), json={
            "error_rate": 1.0, "error_kinds": ["timeout"], "operations": ["content"], "timeout_seconds": 60}).raise_for_status()
        media = server.data_dir / "media"
        _wait(lambda: bool(_partials(media)), 30, "a download in progress")
        server.kill()
        server.start()
        httpx.post(f"{server.url}/emulator/_emulator/faults", json={"error_rate": 0.0}, timeout=10,
                   headers=server.emulator_headers()).raise_for_status()
        _wait(lambda: all(v["status"] == "completed" and v["download_state"] == "done"
                          for v in _videos(server, headers)), 90, "every video to complete")
        stats = httpx.get(f"{server.url}/emulator/_emulator/stats", timeout=10,
                          headers=server.emulator_headers()).raise_for_status().json()
        assert stats["jobs_created"] == VIDEOS, stats
        assert _partials(media) == []
        assert len(list((media / "videos").glob("*.mp4"))) == VIDEOS
    finally:
        server.stop()
