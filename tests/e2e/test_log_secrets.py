"""Even at DEBUG, the server log holds no password, password hash, sign-in token, API token or token hash."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e


def test_a_debug_log_carries_no_credentials(tmp_path):
    server = LiveServer(tmp_path / "data", env_overrides={"SORA2_LOG_LEVEL": "DEBUG"}).start()
    try:
        jwt = login_sync(server.url, "admin", ADMIN_PASSWORD)
        headers = {"Authorization": f"Bearer {jwt}"}
        token = httpx.post(f"{server.url}/api/tokens", json={"name": "ci", "scopes": ["read", "write"]},
                           headers=headers, timeout=10).raise_for_status().json()["token"]
        me = httpx.get(f"{server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert me.status_code == 200
        new_password = "a-new-password-456"
        httpx.post(f"{server.url}/api/admin/change-password", headers=headers, timeout=10,
                   json={"currentPassword": ADMIN_PASSWORD, "newPassword": new_password}).raise_for_status()
        login_sync(server.url, "admin", new_password)
    finally:
        server.stop()
    log = server.log_text()
    assert "DEBUG" in log  # the level took effect: this is a verbose log, not a quiet one
    for secret in (ADMIN_PASSWORD, new_password, jwt, token, hashlib.sha256(token.encode()).hexdigest(),
                   "$argon2id$"):
        assert secret not in log, f"{secret[:12]}… reached the log"
