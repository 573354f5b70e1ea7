"""Paid jobs under faults: a real server process (or several) and the standalone emulator as the provider, its
knobs making the create answer late or lose it after the job exists. Every test ends with the same account: each
job the emulator made belongs to exactly one video that completed with a verified file, or that its owner sees as
unconfirmed or cancelled — and no video is left in between."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.fixtures.services import EmulatorProcess, wait_for
from tests.multi_instance.conftest import channel, redis_url  # noqa: F401  (fixtures)

SETTLED = {"completed", "unconfirmed", "cancelled", "failed"}


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    (tmp_path / "emulator").mkdir()
    process = EmulatorProcess(tmp_path / "emulator").start()
    yield process
    process.stop()


def knobs(emulator: EmulatorProcess, **values: object) -> None:
    httpx.post(f"{emulator.base_url}/_emulator/faults", json=values, timeout=10,
               headers={"Authorization": f"Bearer {emulator.api_key}"}).raise_for_status()


def emulator_stats(emulator: EmulatorProcess) -> dict:
    return httpx.get(f"{emulator.base_url}/_emulator/stats", timeout=10,
                     headers={"Authorization": f"Bearer {emulator.api_key}"}).raise_for_status().json()


def live_jobs(emulator: EmulatorProcess) -> list[dict]:
    """Every job the emulator still has (deleted ones are gone from its list), newest first."""
    jobs, after = [], None
    while True:
        page = httpx.get(f"{emulator.base_url}/videos", params={"limit": 100, **({"after": after} if after else {})},
                         headers={"Authorization": f"Bearer {emulator.api_key}"}, timeout=10).json()
        jobs += page["data"]
        if not page["has_more"]:
            return jobs
        after = page["last_id"]


@dataclass
class Studio:
    """One or more server processes sharing a database and the standalone emulator."""

    data_dir: Path
    database_url: str
    emulator: EmulatorProcess
    # Several instances keep their caches (and sockets) in step through Redis, as deployments must.
    redis_url: str
    channel: str
    env: dict[str, str] = field(default_factory=dict)
    servers: list[LiveServer] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def start(self, count: int = 1, **env: str) -> list[LiveServer]:
        started = []
        for _ in range(count):
            server = LiveServer(self.data_dir, env_overrides={
                "SORA2_DATABASE_URL": self.database_url, "SORA2_OPENAI_BASE_URL": self.emulator.base_url,
                "SORA2_OPENAI_API_KEY": self.emulator.api_key, "SORA2_OPENAI_TIMEOUT_SECONDS": "10",
                "SORA2_POLL_MAX_SECONDS": "2", "SORA2_REDIS_URL": self.redis_url, "SORA2_REDIS_CHANNEL": self.channel,
                **self.env, **env})
            # One instance id per process, as on separate machines (the default derives it from the port).
            server.env_overrides["SORA2_INSTANCE_ID"] = f"instance-{server.port}"
            self.servers.append(server.start())
            started.append(server)
        if not self.headers:
            self.headers = {"Authorization": f"Bearer {login_sync(started[0].url, 'admin', ADMIN_PASSWORD)}"}
        return started

    @property
    def url(self) -> str:
        return next(s for s in self.servers if s.process and s.process.poll() is None).url

    def create(self, count: int, prefix: str = "paid", **fields: object) -> list[dict]:
        return [self.post("/api/videos", {"prompt": f"{prefix} {i}", "seconds": "4", **fields}) for i in range(count)]

    def post(self, path: str, body: dict | None = None, expect: int = 200) -> dict:
        response = httpx.post(f"{self.url}{path}", json=body or {}, headers=self.headers, timeout=30)
        assert response.status_code == expect, response.text
        return response.json()

    def delete(self, video_id: str) -> None:
        httpx.delete(f"{self.url}/api/videos/{video_id}", headers=self.headers, timeout=30).raise_for_status()

    def videos(self) -> list[dict]:
        response = httpx.get(f"{self.url}/api/videos?limit=200", headers=self.headers, timeout=30)
        return response.raise_for_status().json()["videos"]

    def states(self) -> dict[str, str]:
        return {v["id"]: v["state"] for v in self.videos()}

    def wait_until(self, check, timeout: float, what: str) -> float:  # noqa: ANN001
        """Wait until `check(videos)` holds; on timeout, say where every video stands and what the servers logged."""
        try:
            return wait_for(lambda: check(self.videos()), timeout, what)
        except AssertionError as exc:
            states = [(v["state"], v.get("error_message")) for v in self.videos()]
            logs = "\n".join(s.log_text()[-3000:] for s in self.servers)
            raise AssertionError(f"{exc}\nvideos: {states}\nlogs:\n{logs}") from None

    def wait_settled(self, timeout: float) -> list[dict]:
        self.wait_until(lambda videos: all(
            v["state"] in SETTLED and (v["state"] != "completed" or v["download_state"] == "done") for v in videos),
            timeout, "every video to settle")
        return self.videos()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def assert_accounted(studio: Studio, *, created: int) -> list[dict]:
    """Each job at the emulator is held by one video that completed (file verified: download done) or is shown
    as unconfirmed/cancelled; the emulator made exactly `created` jobs (none twice); no video is stuck."""
    videos = studio.wait_settled(90)
    held = {v["provider_video_id"]: v for v in videos if v["provider_video_id"]}
    for job in live_jobs(studio.emulator):
        video = held.get(job["id"])
        assert video is not None, f"emulator job {job['id'][:40]} belongs to no video"
        assert video["state"] in ("completed", "unconfirmed", "cancelled"), video
    assert len(held) == len({v["provider_video_id"] for v in videos if v["provider_video_id"]})
    assert emulator_stats(studio.emulator)["jobs_created"] == created
    for video in videos:
        if video["state"] == "completed":
            assert video["download_state"] == "done" and video["file_path"], video
    return videos


@pytest.fixture
def studio(tmp_path: Path, database_url: str, emulator: EmulatorProcess, redis_url: str,  # noqa: F811
           channel: str) -> Iterator[Studio]:  # noqa: F811
    studio = Studio(tmp_path / "data", database_url, emulator, redis_url, channel)
    yield studio
    studio.stop()
