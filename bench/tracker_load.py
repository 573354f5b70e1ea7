"""2,000 in-flight jobs tracked by one instance: CPU share and peak RSS of the server process.
Targets: < 25 % of one core, < 300 MB.

The emulator runs as its own process (so its work is not counted) with long jobs; the server drives it as an
OpenAI-compatible provider over real HTTP. After every job is submitted, the server's CPU time is sampled from
/proc over a steady window while the tracker keeps polling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import free_port, python_module, start_process

PASSWORD = "bench-password-1"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def submit_all(base: str, emulator: str, token: str, count: int) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        queue = iter(range(count))

        async def worker() -> None:
            for i in queue:
                response = await http.post("/api/videos", json={"prompt": f"load {i}", "seconds": "4",
                                                                 "size": "720x1280"})
                response.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(8)))
        while (await http.get(f"{emulator}/_emulator/stats")).json()["jobs_created"] < count:
            await asyncio.sleep(1)  # until every job is in the provider's hands
    return time.perf_counter() - started


def measure(count: int, window: float, job_seconds: float) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        emulator_port, server_port = free_port(), free_port()
        emulator = start_process(
            python_module("sora2", "emulator", "--port", str(emulator_port), "--data-dir", f"{tmp}/emu",
                          "--job-seconds", str(job_seconds)),
            # 2 fps keeps its 2,000 renders cheap; the emulator is a separate process, not what is measured.
            {"SORA2_LOG_LEVEL": "WARNING", "SORA2_EMULATOR_FPS": "2"},
            f"http://127.0.0.1:{emulator_port}/_emulator/stats")
        env = {"SORA2_DATA_DIR": f"{tmp}/data", "SORA2_ADMIN_PASSWORD": PASSWORD, "SORA2_LOG_LEVEL": "WARNING",
               "SORA2_JWT_SECRET": "bench-secret-7c1e9a40f2b85d3e6a9c0f17b4d2e8a5",
               "SORA2_OPENAI_BASE_URL": f"http://127.0.0.1:{emulator_port}/v1", "SORA2_OPENAI_API_KEY": "bench",
               "SORA2_OPENAI_CONCURRENCY": str(count + 10), "SORA2_OPENAI_IDEMPOTENT_CREATE": "true"}
        server = start_process(python_module("sora2", "serve", "--port", str(server_port)), env,
                               f"http://127.0.0.1:{server_port}/readyz")
        try:
            base = f"http://127.0.0.1:{server_port}"
            token = httpx.post(f"{base}/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
            submit_time = asyncio.run(submit_all(base, f"http://127.0.0.1:{emulator_port}", token, count))
            stats_before = httpx.get(f"http://127.0.0.1:{emulator_port}/_emulator/stats").json()["requests"]
            cpu_before, wall_before = cpu_seconds(server.pid), time.monotonic()
            time.sleep(window)
            cpu_used, wall = cpu_seconds(server.pid) - cpu_before, time.monotonic() - wall_before
            stats_after = httpx.get(f"http://127.0.0.1:{emulator_port}/_emulator/stats").json()["requests"]
            polls = stats_after.get("retrieve", 0) - stats_before.get("retrieve", 0)
            share, rss = cpu_used / wall, peak_rss_mb(server.pid)
        finally:
            server.terminate()
            emulator.terminate()
            server.wait(15)
            emulator.wait(15)
    return [f"{count} in-flight jobs (emulator job time {job_seconds:.0f} s), submitted in {submit_time:.1f} s",
            f"steady window {window:.0f} s: server CPU {share * 100:.1f} % of one core, {polls / wall:.1f} polls/s",
            f"peak RSS {rss:.0f} MB",
            f"targets: CPU < 25 %: {'met' if share < 0.25 else 'NOT met'}; RSS < 300 MB: "
            f"{'met' if rss < 300 else 'NOT met'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000)
    # Longer than SORA2_POLL_MAX_SECONDS (120 s), so the window cannot fall between two rounds of polls.
    parser.add_argument("--window", type=float, default=150.0)
    parser.add_argument("--job-seconds", type=float, default=1800.0)
    args = parser.parse_args()
    for line in measure(args.jobs, args.window, args.job_seconds):
        print(line)


if __name__ == "__main__":
    main()
