"""Shared bits for benchmarks: free ports, server subprocesses, latency statistics."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
