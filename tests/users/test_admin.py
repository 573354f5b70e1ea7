from __future__ import annotations

import json
import os
import stat

import bcrypt
import pytest

from sora2.app import create_app
from sora2.config import Settings
from tests.conftest import login, make_user


async def test_plain_users_get_403_on_admin_routes(client, user_headers):
    assert (await client.get("/api/admin/users", headers=user_headers)).status_code == 403
    created = await client.post("/api/admin/users", json={"username": "mallory", "password": "password-1"},
                                headers=user_headers)
    assert created.status_code == 403 and created.json()["error"] == "Admin role required"
    assert (await client.patch("/api/admin/users/x", json={"role": "admin"}, headers=user_headers)).status_code == 403


async def test_create_user_messages_follow_the_original(client, admin_headers):
    url = "/api/admin/users"
    assert (await client.post(url, json={}, headers=admin_headers)).json()["error"] == "Username and password required"
    short = await client.post(url, json={"username": "bob", "password": "123"}, headers=admin_headers)
    assert short.json()["error"] == "Password must be at least 12 characters"
    ok = await client.post(url, json={"username": "bob", "password": "bob-pass-1234"}, headers=admin_headers)
    assert ok.status_code == 200 and ok.json()["success"] is True and ok.json()["user"]["username"] == "bob"
    dup = await client.post(url, json={"username": "bob", "password": "bob-pass-1234"}, headers=admin_headers)
    assert dup.status_code == 409 and dup.json()["error"] == "User already exists"


async def test_admin_can_promote_reset_and_not_demote_self(client, admin_headers):
    await make_user(client, admin_headers, "carol")
    users = (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
    carol = next(u for u in users if u["username"] == "carol")
    admin = next(u for u in users if u["username"] == "admin")
    promoted = await client.patch(f"/api/admin/users/{carol['id']}", json={"role": "admin", "password": "new-pass-1234"},
                                  headers=admin_headers)
    assert promoted.json()["user"]["role"] == "admin"
    assert await login(client, "carol", "new-pass-1234")
    selfdemote = await client.patch(f"/api/admin/users/{admin['id']}", json={"role": "user"}, headers=admin_headers)
    assert selfdemote.status_code == 400


async def test_first_start_without_password_generates_one_file_mode_600(tmp_path, database_url, capsys):
    settings = Settings(_env_file=None, data_dir=tmp_path / "d", database_url=database_url,
                        jwt_secret="5b1f0c9d2e7a48b3a6f4c8e1d0b9a7c2", emulator_enabled=False)
    asgi = create_app(settings)
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        path = settings.data_dir / "initial-admin-password"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        password = path.read_text().strip()
        assert password in capsys.readouterr().out
        assert password != "admin"


async def test_generated_jwt_secret_is_stored_mode_600(tmp_path, database_url):
    settings = Settings(_env_file=None, data_dir=tmp_path / "d", database_url=database_url, emulator_enabled=False,
                        admin_password="pw-123456-789")
    asgi = create_app(settings)
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        secret_file = settings.data_dir / "jwt-secret"
        assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
        assert len(secret_file.read_text().strip()) >= 32


def test_known_default_secret_is_refused():
    with pytest.raises(ValueError, match="known default"):
        Settings(_env_file=None, jwt_secret="change_this_secret_in_production")


async def test_import_of_original_users_json_and_bcrypt_upgrade(tmp_path, client, ctx):
    from sora2.users.service import UserService

    users_json = tmp_path / "users.json"
    legacy = bcrypt.hashpw(b"legacy-pass", bcrypt.gensalt(rounds=4)).decode()
    users_json.write_text(json.dumps([{"id": "user_1795538651578", "username": "bob", "password": legacy}]))
    async with ctx.sessions.begin() as session:
        assert await UserService(session).import_users_json(users_json) == (1, 0)
    assert await login(client, "bob", "legacy-pass")
    async with ctx.sessions.begin() as session:
        user = await UserService(session).repo.get_by_username("bob")
        assert user.password_hash.startswith("$argon2id$")
        assert user.id == "user_1795538651578"
