"""A real server process started under umask 022 (the usual default): owner-only files, a connection that
survives bad input, security headers, the metrics token, and weak secrets refused at start."""

from __future__ import annotations

import http.client
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
METRICS_TOKEN = "metrics-7d2c91f04ab35e68"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    # No JWT secret given: the server generates one into the data dir, which is checked below.
    live = LiveServer(tmp_path_factory.mktemp("security") / "data", umask=0o022,
                      env_overrides={"SORA2_METRICS_TOKEN": METRICS_TOKEN, "SORA2_JWT_SECRET": ""}).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def headers(server) -> dict[str, str]:
    return {"Authorization": f"Bearer {login_sync(server.url, 'admin', ADMIN_PASSWORD)}"}


def _exchange(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    assert not response.will_close, f"{method} {path} closed the connection ({response.status})"
    return response.status, data


def test_bad_input_is_a_400_and_the_same_connection_serves_the_next_request(server, headers):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.connect()
    sock = connection.sock
    bad_requests = [
        ("POST", "/api/auth/login", b'{"username":"\\ud800","password":"x"}', {}, 400),
        ("POST", "/api/videos", b"[" * 100_000 + b"]" * 100_000, headers, 400),
        ("POST", "/api/admin/users", b'{"username":"zed","password":"\\udfff-long-enough"}', headers, 400),
        ("GET", "/api/videos?q=%00", None, headers, 400),
        ("GET", "/api/videos/x/screenshots?count=1000", None, headers, 400),
    ]
    for method, path, body, extra, status in bad_requests:
        got, data = _exchange(connection, method, path, body, extra)
        assert got == status, (path, data)
        assert b'"error"' in data
    assert _exchange(connection, "GET", "/healthz")[0] == 200
    assert connection.sock is sock  # one connection all along
    connection.close()
    assert "Traceback" not in server.log_text() and "unhandled error" not in server.log_text()


def test_every_file_and_folder_in_the_data_dir_is_owner_only(server, headers):
    created = httpx.post(f"{server.url}/api/videos", json={"prompt": "private things", "seconds": "4"},
                         headers=headers, timeout=30).raise_for_status().json()
    deadline = time.monotonic() + 60
    while httpx.get(f"{server.url}/api/videos/{created['id']}", headers=headers).json()["download_state"] != "done":
        assert time.monotonic() < deadline, "the video did not finish"
        time.sleep(0.3)
    data_dir = server.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    seen = {p.name for p in data_dir.rglob("*")}
    assert {"jwt-secret", "api-key"} <= seen
    if not os.environ.get("SORA2_TEST_DATABASE_URL"):  # on PostgreSQL there are no database files here
        assert {"sora2.db", "sora2.db-wal", "sora2.db-shm"} <= seen
    assert any(name.endswith(".mp4") for name in seen) and any(name.endswith("_thumb.webp") for name in seen)
    wider = [f"{path.relative_to(data_dir)} {stat.S_IMODE(path.stat().st_mode):o}"
             for path in [data_dir, *data_dir.rglob("*")] if path.stat().st_mode & 0o077]
    assert wider == []


def test_html_gets_a_csp_and_everything_gets_nosniff(server):
    page = httpx.get(f"{server.url}/library")
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    docs = httpx.get(f"{server.url}/api/docs")
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    api = httpx.get(f"{server.url}/healthz")
    assert api.headers["x-content-type-options"] == "nosniff" and "content-security-policy" not in api.headers


def test_metrics_need_the_configured_token(server):
    refused = httpx.get(f"{server.url}/metrics")
    assert refused.status_code == 401 and refused.json()["code"] == "metrics_token_required"
    wrong = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    scraped = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status_code == 200 and "sora2_jobs" in scraped.text


@pytest.mark.parametrize("variable, value, says", [
    ("SORA2_ADMIN_PASSWORD", "a", "at least 12 characters"),
    ("SORA2_ADMIN_PASSWORD", "aaaaaaaaaaaaaaaa", "different characters"),
    ("SORA2_JWT_SECRET", "a" * 32, "repeated"),
    ("SORA2_JWT_SECRET", "0" * 64, "repeated"),
    ("SORA2_JWT_SECRET", "0123456789abcdefghijklmnopqrstuvwxyz", "consecutive"),
    ("SORA2_JWT_SECRET", "short-secret", "shorter than 32"),
])
def test_weak_secrets_stop_the_server_before_it_starts(tmp_path: Path, variable, value, says):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
    env.update({"SORA2_DATA_DIR": str(tmp_path / "data"), variable: value})
    result = subprocess.run([sys.executable, "-m", "sora2", "serve", "--port", "1"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert variable in result.stderr and says in result.stderr and "refusing to start" in result.stderr
    assert result.returncode == 2 and "Traceback" not in result.stderr
    if len(value) > 8:
        assert value not in result.stderr  # the refused secret itself is never echoed
    assert not (tmp_path / "data").exists()
