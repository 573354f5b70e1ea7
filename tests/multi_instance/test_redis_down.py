"""Redis unreachable: the instance starts, serves (without its caches), says `events: degraded` in /readyz, and
never writes the URL's password to its log."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
PASSWORD = "secretpw"


def test_an_instance_without_redis_serves_and_says_degraded(tmp_path, database_url):
    # Port 1: nothing listens. DEBUG: redis-py's own log lines are checked for the password too.
    server = LiveServer(tmp_path / "data", env_overrides={
        "SORA2_REDIS_URL": f"redis://:{PASSWORD}@127.0.0.1:1/0?password={PASSWORD}",
        "SORA2_DATABASE_URL": database_url, "SORA2_LOG_LEVEL": "DEBUG"}).start()
    try:
        ready = httpx.get(f"{server.url}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json() == {"status": "ok", "tracker": True, "events": "degraded"}
        headers = {"Authorization": f"Bearer {login_sync(server.url, 'admin', ADMIN_PASSWORD)}"}
        created = httpx.post(f"{server.url}/api/videos", json={"prompt": "no redis", "seconds": "4"},
                             headers=headers, timeout=10).raise_for_status().json()
        # Without a subscription nothing is cached: every list is read fresh, so this one is right at once.
        listed = httpx.get(f"{server.url}/api/videos", headers=headers, timeout=10).raise_for_status().json()
        assert [v["id"] for v in listed["videos"]] == [created["id"]]
        httpx.delete(f"{server.url}/api/videos/{created['id']}", headers=headers, timeout=10).raise_for_status()
        assert httpx.get(f"{server.url}/api/videos", headers=headers, timeout=10).json()["videos"] == []
    finally:
        server.stop()
    log = server.log_text()
    assert "events: cannot subscribe to redis://127.0.0.1:1/0" in log
    assert PASSWORD not in log
