"""GET /api/videos?limit=50 on a 10,000-video library with 32 concurrent clients, against a minimal ASGI app
served by the same uvicorn in the same run: steady (targets: p99 ≤ 50 ms, ≥ 15 % of the minimal app's requests
per second), and while one video changes per second (each change drops the owner's cached pages; targets: p99
≤ 50 ms, ≥ 50 % of the steady figure).

The load comes from `wrk` (C, one thread) when installed — a Python load generator on the same two cores
would measure itself — else from an httpx client. Each target gets a warm-up run before the measured run.
Our server is measured twice: with its list cache (the steady state) and with it off (every request
queries the database and serialises 50 records).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.common import WrkFigures, free_port, machine_load, python_module, run_load, start_process, stop, wrk

PASSWORD = "bench-password-1"


async def seed(data_dir: Path, count: int) -> None:
    from sora2.auth.passwords import hash_password
    from sora2.config import Settings
    from sora2.db.engine import create_engine, create_session_factory
    from sora2.db.migrate import upgrade_async
    from sora2.models import User, Video

    settings = Settings(_env_file=None, data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_async(settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    sessions = create_session_factory(engine)
    start = datetime.now(UTC) - timedelta(days=30)
    async with sessions.begin() as session:
        session.add(User(id="user_bench", username="admin", password_hash=hash_password(PASSWORD), role="admin"))
        for i in range(count):
            session.add(Video(
                id=str(uuid.uuid4()), user_id="user_bench", provider="emulator", provider_video_id=f"video_{i:06x}",
                model="sora-2", prompt=f"benchmark video number {i}: a paper boat drifting on a quiet pond",
                size="1280x720", seconds="8", status="completed", progress=100, cost=0.8,
                created_at=start + timedelta(seconds=i * 60), completed_at=start + timedelta(seconds=i * 60 + 30),
                download_state="done", file_name=f"v{i}.mp4", thumbnail_name=f"v{i}_thumb.webp",
                spritesheet_name=f"v{i}_sprite.jpg",
                sprite={"columns": 4, "rows": 4, "tile_width": 160, "tile_height": 90, "count": 16},
                submit_state="submitted"))
    await engine.dispose()


def wrk_line(name: str, output: str) -> str:
    figures = WrkFigures.parse(output)
    return (f"{name:<44} {figures.requests_per_second:8.0f} req/s   p50 {figures.p50:>9}   p99 {figures.p99:>9}   "
            f"({machine_load()})")


async def measure_one(name: str, url: str, concurrency: int, seconds: int, headers: dict[str, str]) -> str:
    if shutil.which("wrk"):
        wrk(url, concurrency, 3, headers)  # warm-up: imports, caches, connection pools
        return wrk_line(name, wrk(url, concurrency, seconds, headers))
    base, _, path = url.partition("/api") if "/api" in url else (url.rstrip("/"), "", "")
    target = "/api" + path if path else "/"
    await run_load(lambda c: c.get(target), base, concurrency, 300, headers)  # warm-up
    return (await run_load(lambda c: c.get(target), base, concurrency, 3000, headers)).line(name)


def serve(data_dir: Path, cache_entries: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {"SORA2_DATA_DIR": str(data_dir), "SORA2_JWT_SECRET": "bench-secret-7c1e9a40f2b85d3e6a9c0f17b4d2e8a5",
           "SORA2_LOG_LEVEL": "WARNING", "SORA2_EMULATOR_ENABLED": "false",
           "SORA2_LIST_CACHE_ENTRIES": str(cache_entries)}
    return start_process(python_module("sora2", "serve", "--port", str(port)), env,
                         f"http://127.0.0.1:{port}/readyz"), port


class Changes:
    """One video changes per second (starred, then not), through the API, while the load runs: each change is a
    committed update whose event drops the owner's cached list pages."""

    def __init__(self, base_url: str, token: str) -> None:
        self._headers = {"Authorization": f"Bearer {token}"}
        self._base = base_url
        first = httpx.get(f"{base_url}/api/videos?limit=1", headers=self._headers).json()["videos"][0]
        self._url = f"{base_url}/api/videos/{first['id']}/favourite"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.count = 0

    def _run(self) -> None:
        with httpx.Client(headers=self._headers, timeout=10) as client:
            while not self._stopping.wait(1.0):
                answer = client.put(self._url) if self.count % 2 == 0 else client.delete(self._url)
                answer.raise_for_status()
                self.count += 1

    def __enter__(self) -> "Changes":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        self._thread.join(10)


async def measure_ours(data_dir: Path, concurrency: int, seconds: int) -> list[str]:
    lines = []
    for label, entries in (("GET /api/videos?limit=50 (cache)", 2048), ("GET /api/videos?limit=50 (no cache)", 0)):
        server, port = serve(data_dir, entries)
        try:
            base = f"http://127.0.0.1:{port}"
            token = httpx.post(f"{base}/api/auth/login", json={"username": "admin", "password": PASSWORD}
                               ).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            url = f"{base}/api/videos?limit=50"
            lines.append(await measure_one(label, url, concurrency, seconds, headers))
            if entries and shutil.which("wrk"):
                with Changes(base, token) as changes:
                    output = wrk(url, concurrency, seconds, headers)
                lines.append(wrk_line(f"  the same, one video changes per second ({changes.count} changes)",
                                      output))
        finally:
            stop(server)
    return lines


async def measure(concurrency: int, seconds: int, videos: int) -> list[str]:
    lines = [f"library: {videos} videos; {concurrency} concurrent clients; "
             f"load: {'wrk' if shutil.which('wrk') else 'httpx (install wrk for trustworthy figures)'}"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        await seed(data_dir, videos)
        lines += await measure_ours(data_dir, concurrency, seconds)
        base_port = free_port()
        baseline = start_process(python_module("uvicorn", "bench.minimal_app:app", "--port", str(base_port),
                                               "--no-access-log", "--log-level", "warning"), {},
                                 f"http://127.0.0.1:{base_port}/")
        try:
            lines.append(await measure_one("minimal ASGI app", f"http://127.0.0.1:{base_port}/", concurrency,
                                           seconds, {}))
        finally:
            stop(baseline)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--videos", type=int, default=10_000)
    args = parser.parse_args()
    for line in asyncio.run(measure(args.concurrency, args.seconds, args.videos)):
        print(line)


if __name__ == "__main__":
    main()
