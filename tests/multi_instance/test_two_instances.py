"""Two instances behind one (imaginary) load balancer: what one instance commits, the other's sockets and caches
hear at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import socketio

from tests.e2e.conftest import login_sync
from tests.e2e.test_full_flow import EventLog, completed, connect_socket
from tests.fixtures.live import ADMIN_PASSWORD
from tests.multi_instance.conftest import NOT_TRACKING, start_pair, wait_for

pytestmark = pytest.mark.e2e
SOON = 3.0  # seconds: the fan-out takes milliseconds; this only bounds a slow, busy test machine


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("b_tracks", [False, True], ids=["A-tracks", "either-tracks"])
async def test_a_socket_on_b_follows_a_video_created_on_a(tmp_path, database_url, emulator, redis_url, channel,
                                                          b_tracks):
    # Not tracking, B learns everything about the job over Redis; tracking too, the steps of one job are shared
    # between the two instances (each step leases the row) and B's client still sees them all.
    pair = start_pair(tmp_path / "data", database_url, emulator, redis_url, channel,
                      b_env=None if b_tracks else NOT_TRACKING)
    try:
        token = login_sync(pair.a.url, "admin", ADMIN_PASSWORD)
        log = EventLog()
        sio = await connect_socket(pair.b.url, token, log)
        try:
            async with httpx.AsyncClient(base_url=pair.a.url, headers=_bearer(token), timeout=30) as http:
                video = (await http.post("/api/videos", json={"prompt": "seen from B", "seconds": "4"})).json()
            await log.wait_until(lambda: completed(log, video["id"]), timeout=40)
        finally:
            await sio.disconnect()
        updates = [e["updates"] for e in log.for_video(video["id"])]
        statuses = [u["status"] for u in updates if "status" in u]
        progress = [u["progress"] for u in updates if "progress" in u]
        assert statuses[-1] == "completed" and "in_progress" in statuses, statuses
        assert progress[-1] == 100
        if not b_tracks:  # one sender, one ordered channel
            assert progress == sorted(progress)
        # The media links in the last update are signed by A and served by B (shared secret, shared media dir).
        media = next(u["media"] for u in reversed(updates) if "media" in u)
        async with httpx.AsyncClient(base_url=pair.b.url, timeout=10) as http:
            assert (await http.get(media["video"])).status_code == 200
    finally:
        pair.b.stop()
        pair.a.stop()


def test_b_serves_no_stale_list_after_a_creates_or_deletes(pair):
    headers = _bearer(login_sync(pair.a.url, "admin", ADMIN_PASSWORD))

    def ids_on_b() -> list[str]:
        response = httpx.get(f"{pair.b.url}/api/videos", headers=headers, timeout=10)
        return [v["id"] for v in response.raise_for_status().json()["videos"]]

    assert ids_on_b() == ids_on_b() == []  # B has the empty page cached now
    video = httpx.post(f"{pair.a.url}/api/videos", json={"prompt": "made on A", "seconds": "4"}, headers=headers,
                       timeout=10).raise_for_status().json()
    wait_for(lambda: ids_on_b() == [video["id"]], SOON, "B to list the video created on A")
    assert ids_on_b() == [video["id"]]  # and B caches the fresh page
    httpx.delete(f"{pair.a.url}/api/videos/{video['id']}", headers=headers, timeout=10).raise_for_status()
    wait_for(lambda: ids_on_b() == [], SOON, "B to drop the video deleted on A")


def test_b_rejects_a_user_disabled_demoted_or_reset_on_a(pair):
    admin = _bearer(login_sync(pair.a.url, "admin", ADMIN_PASSWORD))
    created = httpx.post(f"{pair.a.url}/api/admin/users", json={"username": "carol", "password": "carol-pass-1"},
                         headers=admin, timeout=10).raise_for_status().json()
    user_id = created["user"]["id"]
    carol = _bearer(login_sync(pair.a.url, "carol", "carol-pass-1"))
    api_token = httpx.post(f"{pair.a.url}/api/tokens", json={"name": "script"}, headers=carol,
                           timeout=10).raise_for_status().json()["token"]

    def status_on_b(path: str, headers: dict[str, str]) -> int:
        return httpx.get(f"{pair.b.url}{path}", headers=headers, timeout=10).status_code

    def patch_on_a(**changes: object) -> None:
        httpx.patch(f"{pair.a.url}/api/admin/users/{user_id}", json=changes, headers=admin,
                    timeout=10).raise_for_status()

    # Disabled on A: B refuses the sign-in token it has just cached, and the personal token, at once.
    assert status_on_b("/api/videos", carol) == 200 and status_on_b("/api/videos", _bearer(api_token)) == 200
    patch_on_a(disabled=True)
    wait_for(lambda: status_on_b("/api/videos", carol) == 401, SOON, "B to refuse the disabled user")
    assert status_on_b("/api/videos", _bearer(api_token)) == 401
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(connect_socket(pair.b.url, carol["Authorization"].removeprefix("Bearer "), EventLog()))
    patch_on_a(disabled=False)
    wait_for(lambda: status_on_b("/api/videos", carol) == 200, SOON, "B to accept the re-enabled user")

    # Promoted, then demoted on A: B's cached principal must not keep the admin role.
    patch_on_a(role="admin")
    wait_for(lambda: status_on_b("/api/admin/users", carol) == 200, SOON, "B to see the promotion")
    patch_on_a(role="user")
    wait_for(lambda: status_on_b("/api/admin/users", carol) == 403, SOON, "B to see the demotion")

    # A password reset on A ends on B the sign-in B has cached, and only the new password signs in there.
    assert status_on_b("/api/videos", carol) == 200
    patch_on_a(password="carol-pass-2")
    wait_for(lambda: status_on_b("/api/videos", carol) == 401, SOON, "B to end the sign-in made with the old password")
    refused = httpx.post(f"{pair.b.url}/api/auth/login", json={"username": "carol", "password": "carol-pass-1"},
                         timeout=10)
    assert refused.status_code == 401
    assert login_sync(pair.b.url, "carol", "carol-pass-2")
