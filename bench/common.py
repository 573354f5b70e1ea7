"""Shared bits for benchmarks: free ports, server subprocesses, latency statistics."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_process(args: list[str], env: dict[str, str], ready_url: str, timeout: float = 60) -> subprocess.Popen:
    process = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{args} exited with {process.returncode}")
        try:
            if httpx.get(ready_url, timeout=1).status_code < 500:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{args} did not become ready")


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def machine_load() -> str:
    """The 1-minute load average and core count, printed with each figure: others' work on the machine shows."""
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, concurrency: int, seconds: int, headers: dict[str, str], script: Path | None = None,
        env: dict[str, str] | None = None) -> str:
    """One wrk run (one thread: the machine has two cores, and the server needs them); its full report."""
    args = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    return subprocess.run([*args, url], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}).stdout


_UNITS = {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1.0, "GB": 1024.0}


@dataclass
class WrkFigures:
    requests_per_second: float
    mib_per_second: float
    p50: str
    p99: str
    errors: int

    @classmethod
    def parse(cls, output: str) -> "WrkFigures":
        transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", output)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        return cls(float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
                   float(transfer[1]) * _UNITS[transfer[2]] if transfer else 0.0,
                   re.search(r"50%\s+([\d.]+\w+)", output)[1], re.search(r"99%\s+([\d.]+\w+)", output)[1],
                   (int(errors[1]) if errors else 0) + (sum(map(int, sockets.groups())) if sockets else 0))


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self, name: str) -> str:
        return (f"{name:<28} {self.throughput:8.0f} req/s   p50 {self.percentile(50) * 1000:6.1f} ms   "
                f"p99 {self.percentile(99) * 1000:6.1f} ms   mean {statistics.mean(self.latencies) * 1000:6.1f} ms")


async def run_load(request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]], base_url: str,
                   concurrency: int, total: int, headers: dict | None = None) -> LoadResult:
    latencies: list[float] = []
    remaining = total
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            response = await request(client)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"unexpected {response.status_code}: {response.text[:200]}")

    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm the connection pool
            await request(client)
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(requests=len(latencies), seconds=elapsed, latencies=latencies)
