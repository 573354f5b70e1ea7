"""`sora2 emulator --flavor openrouter`: a real process the official SDK can use at the printed base URL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from openrouter import OpenRouter

from tests.emulator_openrouter.helpers import NO_RETRIES
from tests.fixtures.live import free_port


def test_the_cli_serves_the_openrouter_flavor(tmp_path: Path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("SORA2_")}
    env["SORA2_OPENROUTER_WEBHOOK_SECRET"] = "from-env"
    process = subprocess.Popen(
        [sys.executable, "-m", "sora2", "emulator", "--flavor", "openrouter", "--port", str(port),
         "--data-dir", str(tmp_path / "data"), "--job-seconds", "1", "--api-key", "cli-key"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/videos/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the emulator did not start"
                time.sleep(0.2)
        with OpenRouter(api_key="cli-key", server_url=base, retry_config=NO_RETRIES) as client:
            job = client.video_generation.generate(model="alibaba/wan-2.7", prompt="from the cli",
                                                   resolution="480p")
            assert job.status == "pending" and job.polling_url.startswith(base)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}/api/v1" in output and "webhooks signed" in output
    assert (tmp_path / "data" / "openrouter" / "jobs" / f"{job.id}.json").exists()
