"""Schemathesis against our own OpenAPI document, signed in as the admin, for a bounded time (about 100 s; set
SORA2_FUZZ_SECONDS to change it): no generated request may get a 5xx, and the server may log no unhandled error.

It runs the `schemathesis` command line (installed by the test extra) against a real server process, so
requests travel over real HTTP connections, exactly as an outside fuzzer's would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
FUZZ_SECONDS = os.environ.get("SORA2_FUZZ_SECONDS", "100")
# The access log line of a 5xx: "… sora2.http: POST /api/videos 500 12.3ms" (paths may hold spaces).
SERVER_ERROR = re.compile(r"sora2\.http: [A-Z]+ .* 5\d\d [\d.]+ms$", re.MULTILINE)


@pytest.fixture
def server(tmp_path) -> Iterator[LiveServer]:
    # Short sign-in delays: the fuzzer's wrong passwords should cost it refusals, not minutes.
    live = LiveServer(tmp_path / "data", env_overrides={"SORA2_LOGIN_DELAY_SECONDS": "0.01"}).start()
    yield live
    live.stop()


def test_no_generated_request_gets_a_5xx(server: LiveServer, tmp_path: Path):
    token = login_sync(server.url, "admin", ADMIN_PASSWORD)
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", f"{server.url}/api/openapi.json",
        "--header", f"Authorization: Bearer {token}", "--checks", "not_a_server_error",
        # One worker: schemathesis's schema walking in several threads trips a CPython 3.11 bug ("AST constructor
        # recursion depth mismatch"); the server, not the generator, is the bottleneck here anyway.
        "--max-time", FUZZ_SECONDS, "--workers", "1", "--request-timeout", "30", "--seed", "14",
        "--report", "junit", "--report-dir", str(tmp_path / "report"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=int(FUZZ_SECONDS) + 120,
                            cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) > 500, output[-3000:]  # it really ran
    log = server.log_text()
    assert SERVER_ERROR.findall(log) == [] and "unhandled error" not in log, log[-6000:]
