"""Media delivery: random 1 MiB Range requests and full downloads of a 50 MB file, 8 connections, against nginx
serving the same file from disk in the same run (the baseline).

Ours is measured the server sending the bytes itself (authorised by `?token=` and by a signed URL), and behind
nginx with SORA2_MEDIA_ACCEL_REDIRECT (the server authorises, nginx sends; the configuration of docs/deployment.md
as the tests run it): by default a `?token=` request is authorised by the server every time and a signed link once
per grant, which nginx then reuses for the link's seeks; with SORA2_MEDIA_TOKEN_GRANT_SECONDS a token's
authorisation is reused too. Targets: ranges ≥ 33 % of nginx's throughput from the server itself and equal to
nginx with X-Accel-Redirect; full downloads ≥ 50 % of nginx's. Load from wrk (one thread).

Each line is `--rounds` pairs of `--seconds` runs, nginx alone and then ours, so that whatever else the machine does
weighs on both; the ratio is the median of the pairs'. Besides throughput it reports the CPU time per MiB of the
app and of nginx's worker: on two cores the client is often what limits throughput, while CPU per MiB shows the
work each path costs the server side."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import httpx

from bench.common import (
    WrkFigures, cpu_seconds, free_port, has_wrk, machine_load, python_module, start_process, stop, wrk,
)
from bench.list_throughput import PASSWORD
from tests.fixtures.nginx import Nginx, documented_site, nginx_binary, with_media_location

FILE_BYTES = 50 * 2**20
TOKEN_GRANT_SECONDS = 5
WRK_ENV = {"BENCH_FILE_BYTES": str(FILE_BYTES)}  # read by RANGE_SCRIPT
RANGE_SCRIPT = """
math.randomseed(os.time())
local size = tonumber(os.getenv("BENCH_FILE_BYTES"))
local span = 1048576
request = function()
  local first = math.random(0, size - span)
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)})
end
"""


async def seed(data_dir: Path) -> str:
    """One user and one completed video whose MP4 is FILE_BYTES of random data (the media routes do not decode)."""
    from sora2.auth.passwords import hash_password
    from sora2.config import Settings
    from sora2.db.engine import create_engine, create_session_factory
    from sora2.db.migrate import upgrade_async
    from sora2.models import User, Video

    settings = Settings(_env_file=None, data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_async(settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    video_id = str(uuid.uuid4())
    async with create_session_factory(engine).begin() as session:
        session.add(User(id="user_bench", username="admin", password_hash=hash_password(PASSWORD), role="admin"))
        session.add(Video(id=video_id, user_id="user_bench", provider="emulator", provider_video_id="video_bench",
                          model="sora-2", prompt="a file to seek through", size="1280x720", seconds="8",
                          status="completed", progress=100, created_at=datetime.now(UTC), download_state="done",
                          file_name=f"{video_id}.mp4", submit_state="submitted"))
    await engine.dispose()
    videos = data_dir / "media" / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    (videos / f"{video_id}.mp4").write_bytes(os.urandom(FILE_BYTES))
    return video_id


class Served(NamedTuple):
    process: subprocess.Popen
    port: int


def serve(data_dir: Path, accel: bool, token_grant_seconds: int = 0) -> Served:
    port = free_port()
    env = {"SORA2_DATA_DIR": str(data_dir), "SORA2_JWT_SECRET": "bench-secret-7c1e9a40f2b85d3e6a9c0f17b4d2e8a5",
           "SORA2_LOG_LEVEL": "WARNING", "SORA2_EMULATOR_ENABLED": "false",
           "SORA2_MEDIA_ACCEL_REDIRECT": "/_media/" if accel else "",
           "SORA2_MEDIA_TOKEN_GRANT_SECONDS": str(token_grant_seconds)}
    return Served(start_process(python_module("sora2", "serve", "--port", str(port)), env,
                                f"http://127.0.0.1:{port}/readyz"), port)


def static_site(port: int, file: Path) -> str:
    """The baseline: nginx sending the same file, nothing in front of it."""
    return (f"server {{\n    listen 127.0.0.1:{port};\n    location = /file.mp4 {{\n        alias {file};\n"
            "        types { video/mp4 mp4; }\n        sendfile on;\n        tcp_nopush on;\n    }\n}\n")


@dataclass
class Target:
    name: str
    url: str
    app_pid: int | None = None  # whose CPU time is reported per MiB
    nginx_pid: int | None = None  # the nginx in front, whose workers' CPU time is reported per MiB too


@dataclass
class Round:
    """One wrk run of a target; the app's and nginx's workers' CPU seconds during it."""
    figures: WrkFigures
    cpu: float = 0.0
    nginx_cpu: float = 0.0


def workers_cpu(nginx_pid: int | None) -> float:
    if nginx_pid is None:
        return 0.0
    children = Path(f"/proc/{nginx_pid}/task/{nginx_pid}/children").read_text().split()
    return sum(cpu_seconds(int(pid)) for pid in children)


def once(target: Target, seconds: int, lua: Path | None) -> Round:
    app, nginx = cpu_seconds(target.app_pid) if target.app_pid else 0.0, workers_cpu(target.nginx_pid)
    figures = WrkFigures.parse(wrk(target.url, 8, seconds, {}, lua, WRK_ENV))
    return Round(figures, cpu_seconds(target.app_pid) - app if target.app_pid else 0.0,
                 workers_cpu(target.nginx_pid) - nginx)


def per_mib(cpu: float, runs: list[Round], seconds: int) -> str:
    return f"{cpu * 1000 / max(1.0, sum(r.figures.mib_per_second for r in runs) * seconds):.2f} ms/MiB"


def compare(target: Target, baseline: Target, seconds: int, lua: Path | None, rounds: int) -> tuple[str, list[Round]]:
    """`rounds` pairs of runs, the baseline's and the target's in turn, so that whatever else the machine does
    weighs on both alike; the figures are the medians, the ratio the median of the pairs' ratios."""
    wrk(target.url, 8, 2, {}, lua, WRK_ENV)  # warm-up
    load = machine_load()
    pairs = [(once(baseline, seconds, lua), once(target, seconds, lua)) for _ in range(rounds)]
    ours = [pair[1] for pair in pairs]
    middle = sorted(ours, key=lambda r: r.figures.mib_per_second)[len(ours) // 2].figures
    line = (f"{target.name:<40} {middle.requests_per_second:7.0f} req/s {middle.mib_per_second:8.0f} MiB/s   "
            f"p50 {middle.p50:>8}   p99 {middle.p99:>8}")
    if target.app_pid:
        line += f"   app CPU {per_mib(sum(r.cpu for r in ours), ours, seconds)}"
    if target.nginx_pid:
        line += f"   nginx CPU {per_mib(sum(r.nginx_cpu for r in ours), ours, seconds)}"
    ratios = sorted(o.figures.mib_per_second / max(1.0, b.figures.mib_per_second) for b, o in pairs)
    line += (f"   = {statistics.median(ratios):.0%} of nginx (rounds: {', '.join(f'{r:.0%}' for r in ratios)})")
    if errors := sum(r.figures.errors for r in ours):
        line += f"   ({errors} errors)"
    return f"{line}   ({load})", [pair[0] for pair in pairs]


def baseline_line(target: Target, runs: list[Round], seconds: int) -> str:
    rates = sorted(r.figures.mib_per_second for r in runs)
    return (f"{target.name:<40} {statistics.median(rates):16.0f} MiB/s   median of {len(runs)} runs "
            f"({rates[0]:.0f}-{rates[-1]:.0f}), one before each of ours   "
            f"nginx CPU {per_mib(sum(r.nginx_cpu for r in runs), runs, seconds)}")


async def measure(seconds: int, rounds: int) -> list[str]:
    try:
        nginx_binary()
    except RuntimeError:
        return ["skipped: the baseline needs nginx (`make nginx`)"]
    if not has_wrk():
        return ["skipped: needs wrk (apt-get install wrk)"]
    lines = [f"one {FILE_BYTES // 2**20} MiB file; 8 connections; {rounds} rounds of {seconds} s per line, "
             "nginx alone then ours in each; load: wrk"]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        video_id = await seed(data_dir)
        file = data_dir / "media" / "videos" / f"{video_id}.mp4"
        script = Path(tmp) / "ranges.lua"
        script.write_text(RANGE_SCRIPT)
        direct, accel = serve(data_dir, False), serve(data_dir, True)
        granting = serve(data_dir, True, TOKEN_GRANT_SECONDS)
        nginx_port, granting_port, static_port = free_port(), free_port(), free_port()
        nginx = Nginx(Path(tmp) / "nginx", with_media_location(documented_site([accel.port], nginx_port),
                                                               data_dir / "media", Path(tmp) / "grants")
                      + static_site(static_port, file), nginx_port)
        nginx_granting = Nginx(Path(tmp) / "nginx-granting", with_media_location(
            documented_site([granting.port], granting_port), data_dir / "media", Path(tmp) / "token-grants"),
            granting_port)
        try:
            nginx.start()
            nginx_granting.start()
            lines += measure_all(video_id, direct, accel, granting, {"nginx": nginx, "granting": nginx_granting},
                                 static_port, seconds, rounds, script)
        finally:
            for proxy in (nginx, nginx_granting):
                proxy.stop()
            for served in (direct, accel, granting):
                stop(served.process)
    return lines


def measure_all(video_id: str, direct: Served, accel: Served, granting: Served, fronts: dict[str, Nginx],
                static_port: int, seconds: int, rounds: int, script: Path) -> list[str]:
    """`fronts`: the nginx with the static baseline and the documented locations, and the one with token grants."""
    nginx, nginx_granting = fronts["nginx"].process.pid, fronts["granting"].process.pid
    app, proxy, granting_proxy = f"http://127.0.0.1:{direct.port}", fronts["nginx"].url, fronts["granting"].url
    token = httpx.post(f"{app}/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
    signed = httpx.get(f"{app}/api/videos/{video_id}", headers={"Authorization": f"Bearer {token}"}
                       ).json()["media"]["video"]
    content = f"/api/videos/{video_id}/content?token={token}"
    static = Target("nginx alone (baseline)", f"http://127.0.0.1:{static_port}/file.mp4", None, nginx)
    lines: list[str] = []
    for lua, title in ((script, "random 1 MiB ranges"), (None, "full downloads")):
        lines.append(f"-- {title}")
        targets = [Target("ours, ?token=", app + content, direct.process.pid),
                   Target("ours, signed URL", app + signed, direct.process.pid),
                   Target("ours via nginx X-Accel-Redirect, ?token=", proxy + content, accel.process.pid, nginx),
                   Target("ours via nginx X-Accel-Redirect, signed", proxy + signed, accel.process.pid, nginx),
                   Target(f"ours via nginx, ?token=, {TOKEN_GRANT_SECONDS} s grants", granting_proxy + content,
                          granting.process.pid, nginx_granting)]
        compared = [compare(target, static, seconds, lua, rounds) for target in (targets if lua else targets[::2])]
        lines.append(baseline_line(static, [run for _, runs in compared for run in runs], seconds))
        lines += [line for line, _ in compared]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for line in asyncio.run(measure(args.seconds, args.rounds)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
