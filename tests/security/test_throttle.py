"""Sign-in throttling that slows an attacker without locking the owner out, and re-authentication for password
changes (throttled the same way; never through an API token)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, login

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def settings(settings):  # noqa: ANN001, ANN201  (the shared settings, with short delays: tests set them as needed)
    return settings.model_copy(update={"login_delay_seconds": 0.01})


@asynccontextmanager
async def client_from(app, address: str) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as http:
        yield http


async def sign_in(http: httpx.AsyncClient, password: str, username: str = "admin") -> httpx.Response:
    return await http.post("/api/auth/login", json={"username": username, "password": password})


async def test_the_attackers_pair_is_slowed_then_refused_while_the_owner_signs_in(app, ctx):
    ctx.limiter.delay_base = 0.25  # the default: 0.25 s, 0.5 s, 1 s, 2 s before the 2nd … 5th attempt
    async with client_from(app, ATTACKER) as attacker, client_from(app, OWNER) as owner:
        took = []
        for _ in range(5):
            started = time.monotonic()
            assert (await sign_in(attacker, "wrong-password")).status_code == 401
            took.append(time.monotonic() - started)
        assert took[4] >= 2.0 and took[3] >= 1.0  # each attempt waited before its password was checked
        refused = await sign_in(attacker, ADMIN_PASSWORD)  # even the right password, from this pair
        assert refused.status_code == 429 and "Too many" in refused.json()["error"]
        assert 0 < int(refused.headers["retry-after"]) <= 300
        signed_in = await sign_in(owner, ADMIN_PASSWORD)
        assert signed_in.status_code == 200
        assert signed_in.json()["security"]["failed_attempts"] == 5  # and is told about them
        assert (await sign_in(attacker, ADMIN_PASSWORD)).status_code == 429  # the owner's success freed no one


async def test_many_refusals_do_not_lock_the_account_for_good(app, ctx):
    async with client_from(app, ATTACKER) as attacker, client_from(app, OWNER) as owner:
        for _ in range(5):
            await sign_in(attacker, "wrong-password")
        for _ in range(20):
            assert (await sign_in(attacker, "wrong-password")).status_code == 429
        assert (await sign_in(owner, ADMIN_PASSWORD)).status_code == 200


async def test_a_success_clears_the_pair(app):
    async with client_from(app, OWNER) as owner:
        for _ in range(4):
            assert (await sign_in(owner, "typo-password")).status_code == 401
        assert (await sign_in(owner, ADMIN_PASSWORD)).status_code == 200
        for _ in range(5):
            assert (await sign_in(owner, "typo-password")).status_code == 401
        assert (await sign_in(owner, "typo-password")).status_code == 429


async def test_an_address_spraying_many_accounts_is_refused_for_all_of_them(app, settings):
    async with client_from(app, ATTACKER) as attacker, client_from(app, OWNER) as owner:
        for index in range(settings.login_address_max_failures):
            assert (await sign_in(attacker, "password-1", f"user{index}")).status_code == 401
        assert (await sign_in(attacker, ADMIN_PASSWORD)).status_code == 429
        assert (await sign_in(owner, ADMIN_PASSWORD)).status_code == 200


async def test_counts_are_shared_by_instances_on_one_database(settings, database_url):
    from sora2.app import create_app

    apps = [create_app(settings), create_app(settings.model_copy(update={"instance_id": "second"}))]
    async with apps[0].fastapi.router.lifespan_context(apps[0].fastapi), \
            apps[1].fastapi.router.lifespan_context(apps[1].fastapi), \
            client_from(apps[0], ATTACKER) as first, client_from(apps[1], ATTACKER) as second:
        for http in (first, second, first, second, first):
            assert (await sign_in(http, "wrong-password")).status_code == 401
        assert (await sign_in(second, ADMIN_PASSWORD)).status_code == 429


async def test_changing_a_password_needs_the_current_one_and_guessing_it_is_throttled(app, client, user_headers):
    url = "/api/admin/change-password"
    token = user_headers["Authorization"]
    async with client_from(app, ATTACKER) as attacker, client_from(app, OWNER) as owner:
        for guess in range(5):
            wrong = await attacker.post(url, json={"currentPassword": f"guess-{guess}", "newPassword": "taken-over-123"},
                                        headers={"Authorization": token})
            assert wrong.status_code == 401 and wrong.json()["code"] == "wrong_password"
        refused = await attacker.post(url, json={"currentPassword": "password-123", "newPassword": "taken-over-123"},
                                      headers={"Authorization": token})
        assert refused.status_code == 429
        assert (await sign_in(attacker, "password-123", "alice")).status_code == 429  # same pair as sign-in
        changed = await owner.post(url, json={"currentPassword": "password-123", "newPassword": "alice-new-pass-1"},
                                   headers={"Authorization": token})
        assert changed.status_code == 200
    assert await login(client, "alice", "alice-new-pass-1")


async def test_api_tokens_cannot_change_or_set_passwords(client, admin_headers, user_headers):
    token = (await client.post("/api/tokens", json={"name": "script"}, headers=user_headers)).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    changed = await client.post("/api/admin/change-password", headers=bearer,
                                json={"currentPassword": "password-123", "newPassword": "taken-over-123"})
    assert changed.status_code == 403 and changed.json()["code"] == "password_login_required"
    minted = await client.post("/api/tokens", json={"name": "another"}, headers=bearer)
    assert minted.status_code == 403
    admin_token = (await client.post("/api/tokens", json={"name": "admin script"}, headers=admin_headers)).json()
    users = (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
    alice = next(u for u in users if u["username"] == "alice")
    reset = await client.patch(f"/api/admin/users/{alice['id']}", json={"password": "taken-over-123"},
                               headers={"Authorization": f"Bearer {admin_token['token']}"})
    assert reset.status_code == 403 and reset.json()["code"] == "password_login_required"
    assert await login(client, "alice", "password-123")


async def test_an_admin_changes_their_own_password_only_with_the_current_one(client, admin_headers):
    me = (await client.get("/api/auth/me", headers=admin_headers)).json()["user"]
    own = await client.patch(f"/api/admin/users/{me['id']}", json={"password": "no-current-needed"},
                             headers=admin_headers)
    assert own.status_code == 400 and own.json()["code"] == "current_password_required"
    assert await login(client, "admin", ADMIN_PASSWORD)


async def test_imported_bcrypt_hashes_with_short_passwords_still_sign_in(tmp_path, client, ctx):
    import json

    import bcrypt

    from sora2.users.service import UserService

    legacy = bcrypt.hashpw(b"short1", bcrypt.gensalt(rounds=4)).decode()  # the original allowed 6 characters
    path = tmp_path / "users.json"
    path.write_text(json.dumps([{"id": "user_42", "username": "olduser", "password": legacy}]))
    async with ctx.sessions.begin() as session:
        await UserService(session).import_users_json(path)
    assert await login(client, "olduser", "short1")


async def test_a_window_ends_and_counting_starts_again(ctx):
    store = ctx.limiter.store  # the database's counters (no Redis configured)
    assert (await store.hit("pair:test", 0.5))[0] == 1
    count, left = await store.hit("pair:test", 0.5)
    assert count == 2 and 0 < left <= 0.5
    await store.undo("pair:test")
    assert (await store.hit("pair:test", 0.5))[0] == 2  # undo took one back
    await asyncio.sleep(0.6)
    count, left = await store.hit("pair:test", 0.5)
    assert count == 1 and left > 0.3  # a new window opened with this attempt
    await store.clear("pair:test")
    await store.undo("pair:test")  # nothing to take back: no row appears
    assert (await store.hit("pair:test", 0.5))[0] == 1
