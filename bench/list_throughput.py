"""GET /api/videos?limit=50 on a 10,000-video library with 32 concurrent clients, against a minimal ASGI app
served by the same uvicorn in the same run. Target: p99 ≤ 50 ms."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.common import free_port, python_module, run_load, start_process

PASSWORD = "bench-password-1"


async def seed(data_dir: Path, count: int) -> None:
    from sora2.config import Settings
    from sora2.db.engine import create_engine, create_session_factory
    from sora2.db.migrate import upgrade_async
    from sora2.models import User, Video
    from sora2.auth.passwords import hash_password

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


async def measure(concurrency: int, total: int, videos: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        await seed(data_dir, videos)
        port, base_port = free_port(), free_port()
        env = {"SORA2_DATA_DIR": str(data_dir), "SORA2_JWT_SECRET": "bench-secret-0123456789abcdef",
               "SORA2_LOG_LEVEL": "WARNING"}
        server = start_process(python_module("sora2", "serve", "--port", str(port)), env,
                               f"http://127.0.0.1:{port}/readyz")
        baseline = start_process(python_module("uvicorn", "bench.minimal_app:app", "--port", str(base_port),
                                               "--no-access-log", "--log-level", "warning"), {},
                                 f"http://127.0.0.1:{base_port}/")
        try:
            token = httpx.post(f"http://127.0.0.1:{port}/api/auth/login",
                               json={"username": "admin", "password": PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            ours = await run_load(lambda c: c.get("/api/videos?limit=50"), f"http://127.0.0.1:{port}",
                                  concurrency, total, headers)
            base = await run_load(lambda c: c.get("/"), f"http://127.0.0.1:{base_port}", concurrency, total)
        finally:
            server.terminate()
            baseline.terminate()
            server.wait(10)
            baseline.wait(10)
    return [f"library: {videos} videos, {concurrency} concurrent clients, {total} requests each",
            ours.line("GET /api/videos?limit=50"), base.line("minimal ASGI app"),
            f"target p99 <= 50 ms: {'met' if ours.percentile(99) <= 0.050 else 'NOT met'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--videos", type=int, default=10_000)
    args = parser.parse_args()
    for line in asyncio.run(measure(args.concurrency, args.requests, args.videos)):
        print(line)


if __name__ == "__main__":
    main()
