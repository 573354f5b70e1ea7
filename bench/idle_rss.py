"""Idle memory of `sora2 serve` with a provider configured (the provider emulator in a process of its own, as a
gateway would be) and no jobs: resident set size once started and settled. Target: ≤ 130 MB. The database is
migrated first by `sora2 db upgrade`, as `make run` does (and as every restart finds it); a server that migrates a
new database itself loads Alembic for it, which is shown too.

Also shown: what the first request to `/mcp` costs, since the MCP SDK loads with it rather than at start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time

import httpx

from bench.common import free_port, machine_load, python_module, rss_mb, start_process, stop

EMULATOR_KEY = "emu-bench-6d1f0a9e3c7b4852"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "bench", "version": "0"}}}


def mcp_call_ms(base: str, token: str) -> float:
    started = time.perf_counter()
    answer = httpx.post(f"{base}/mcp", json=INITIALIZE, timeout=60, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"})
    answer.raise_for_status()
    return (time.perf_counter() - started) * 1000


def measure(settle: float, migrated: bool) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        emulator_port, port = free_port(), free_port()
        emulator = start_process(python_module("sora2", "emulator", "--port", str(emulator_port), "--data-dir",
                                               f"{tmp}/emulator", "--api-key", EMULATOR_KEY), {},
                                 f"http://127.0.0.1:{emulator_port}/v1/videos")
        env = {"SORA2_DATA_DIR": f"{tmp}/data", "SORA2_JWT_SECRET": "bench-secret-7c1e9a40f2b85d3e6a9c0f17b4d2e8a5",
               "SORA2_ADMIN_PASSWORD": "bench-password-1", "SORA2_LOG_LEVEL": "WARNING",
               "SORA2_OPENAI_BASE_URL": f"http://127.0.0.1:{emulator_port}/v1",
               "SORA2_OPENAI_API_KEY": EMULATOR_KEY}
        try:
            if migrated:
                subprocess.run(python_module("sora2", "db", "upgrade"), env={**os.environ, **env}, check=True,
                               capture_output=True)
            server = start_process(python_module("sora2", "serve", "--port", str(port)), env,
                                   f"http://127.0.0.1:{port}/readyz")
            try:
                return report(server.pid, f"http://127.0.0.1:{port}", settle, migrated)
            finally:
                stop(server)
        finally:
            stop(emulator)


def report(pid: int, base: str, settle: float, migrated: bool) -> list[str]:
    time.sleep(settle)
    database = "migrated before" if migrated else "new, migrated by the server"
    lines = [f"idle RSS after {settle:.0f} s, provider configured, no jobs, database {database}: {rss_mb(pid):.0f} MB"
             f"   ({machine_load()})"]
    if not migrated:
        return lines
    token = httpx.post(f"{base}/api/auth/login", json={"username": "admin", "password": "bench-password-1"}
                       ).json()["token"]
    httpx.get(f"{base}/api/videos", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    lines.append(f"after signing in and listing the library:          {rss_mb(pid):.0f} MB")
    first, second = mcp_call_ms(base, token), mcp_call_ms(base, token)
    lines.append(f"first MCP request {first:.0f} ms (loads the SDK), the next {second:.0f} ms; "
                 f"RSS then {rss_mb(pid):.0f} MB")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait after the server is ready")
    args = parser.parse_args()
    for line in measure(args.settle, migrated=True) + measure(args.settle, migrated=False):
        print(line)


if __name__ == "__main__":
    main()
