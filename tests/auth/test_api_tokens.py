"""Personal API tokens over the real app: create, use everywhere a login works, scopes, expiry, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from sora2.models import ApiToken
from tests.conftest import make_user


async def _create(client, headers, **body):  # noqa: ANN001, ANN003, ANN202
    body.setdefault("name", "laptop")
    response = await client.post("/api/tokens", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_token_is_shown_once_and_works_like_a_login(client, user_headers, ctx):
    created = await _create(client, user_headers, name="cli")
    secret = created["token"]
    assert secret.startswith("s2p_") and len(secret) > 40
    assert created["prefix"] == secret[:12] and created["scopes"] == ["read", "write"]
    assert created["username"] == "alice" and created["expires_at"] is None and created["last_used_at"] is None

    me = await client.get("/api/auth/me", headers=bearer(secret))
    assert me.status_code == 200 and me.json()["user"]["username"] == "alice"
    made = await client.post("/api/videos", json={"prompt": "a token-made cat"}, headers=bearer(secret))
    assert made.status_code == 200, made.text

    listed = (await client.get("/api/tokens", headers=user_headers)).json()["tokens"]
    assert [t["name"] for t in listed] == ["cli"]
    assert "token" not in listed[0] and listed[0]["last_used_at"] is not None
    # Only a hash is stored.
    async with ctx.sessions.begin() as session:
        row = await session.get(ApiToken, created["id"])
        assert row.token_hash != secret and secret not in row.token_hash


async def test_revocation_applies_on_the_next_request(client, user_headers):
    secret = (await _create(client, user_headers))["token"]
    assert (await client.get("/api/videos", headers=bearer(secret))).status_code == 200
    token_id = (await client.get("/api/tokens", headers=user_headers)).json()["tokens"][0]["id"]
    revoked = await client.delete(f"/api/tokens/{token_id}", headers=user_headers)
    assert revoked.status_code == 200 and revoked.json()["success"] is True
    refused = await client.get("/api/videos", headers=bearer(secret))
    assert refused.status_code == 401 and refused.json()["error"] == "Invalid token"


async def test_a_token_can_revoke_itself_but_not_mint_others(client, user_headers):
    secret = (await _create(client, user_headers))["token"]
    minted = await client.post("/api/tokens", json={"name": "child"}, headers=bearer(secret))
    assert minted.status_code == 403 and "sign in with your password" in minted.json()["error"]
    token_id = (await client.get("/api/tokens", headers=bearer(secret))).json()["tokens"][0]["id"]
    assert (await client.delete(f"/api/tokens/{token_id}", headers=bearer(secret))).status_code == 200
    assert (await client.get("/api/tokens", headers=bearer(secret))).status_code == 401


async def test_read_scope_cannot_write(client, user_headers):
    secret = (await _create(client, user_headers, scopes=["read"]))["token"]
    assert (await client.get("/api/videos", headers=bearer(secret))).status_code == 200
    denied = await client.post("/api/videos", json={"prompt": "nope"}, headers=bearer(secret))
    assert denied.status_code == 403 and "write scope" in denied.json()["error"]
    assert denied.json()["code"] == "insufficient_scope"
    # Write implies read.
    assert (await _create(client, user_headers, name="w", scopes=["write"]))["scopes"] == ["read", "write"]


async def test_expired_token_is_refused(client, user_headers, ctx):
    created = await _create(client, user_headers, expires_in_days=1)
    assert created["expires_at"] - created["created_at"] == 86400
    async with ctx.sessions.begin() as session:
        await session.execute(update(ApiToken).where(ApiToken.id == created["id"])
                              .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    refused = await client.get("/api/videos", headers=bearer(created["token"]))
    assert refused.status_code == 401 and "expired" in refused.json()["error"]


async def test_disabled_user_token_is_refused(client, admin_headers, user_headers):
    secret = (await _create(client, user_headers))["token"]
    alice = next(u for u in (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
                 if u["username"] == "alice")
    await client.patch(f"/api/admin/users/{alice['id']}", json={"disabled": True}, headers=admin_headers)
    assert (await client.get("/api/videos", headers=bearer(secret))).status_code == 401


@pytest.mark.parametrize("body, message", [
    ({"name": ""}, "name"),
    ({"name": "x" * 65}, "name"),
    ({"name": "ok", "scopes": ["admin"]}, "scopes"),
    ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
    ({"name": "ok", "expires_in_days": "soon"}, "expires_in_days"),
    ({}, "name"),
])
async def test_bad_token_requests_get_clear_errors(client, user_headers, body, message):
    response = await client.post("/api/tokens", json=body, headers=user_headers)
    assert response.status_code == 400 and message in response.json()["error"]


async def test_users_see_only_their_tokens_and_admins_see_all(client, admin_headers, user_headers):
    bob = await make_user(client, admin_headers, "bob")
    alice_token = await _create(client, user_headers, name="alice-cli")
    await _create(client, bob, name="bob-cli")
    assert [t["name"] for t in (await client.get("/api/tokens", headers=bob)).json()["tokens"]] == ["bob-cli"]
    stolen = await client.delete(f"/api/tokens/{alice_token['id']}", headers=bob)
    assert stolen.status_code == 404
    assert (await client.get("/api/admin/tokens", headers=bob)).status_code == 403

    everyone = (await client.get("/api/admin/tokens", headers=admin_headers)).json()["tokens"]
    assert {t["username"] for t in everyone} == {"alice", "bob"}
    only_alice = await client.get("/api/admin/tokens", params={"user_id": alice_token["user_id"]},
                                  headers=admin_headers)
    assert [t["name"] for t in only_alice.json()["tokens"]] == ["alice-cli"]
    assert (await client.delete(f"/api/admin/tokens/{alice_token['id']}", headers=admin_headers)).status_code == 200
    assert (await client.get("/api/videos", headers=bearer(alice_token["token"]))).status_code == 401


async def test_token_cannot_reach_another_users_video(client, admin_headers, user_headers):
    bob = await make_user(client, admin_headers, "bob")
    video = (await client.post("/api/videos", json={"prompt": "alice only"}, headers=user_headers)).json()
    bob_token = (await _create(client, bob))["token"]
    assert (await client.get(f"/api/videos/{video['id']}", headers=bearer(bob_token))).status_code in (403, 404)
    assert (await client.delete(f"/api/videos/{video['id']}", headers=bearer(bob_token))).status_code in (403, 404)


async def test_forged_token_with_our_prefix_is_refused(client):
    response = await client.get("/api/videos", headers=bearer("s2p_" + "A" * 43))
    assert response.status_code == 401 and response.json()["error"] == "Invalid token"


async def test_read_only_token_can_revoke_itself_only(client, user_headers):
    other = await _create(client, user_headers, name="other")
    reader = await _create(client, user_headers, name="reader", scopes=["read"])
    denied = await client.delete(f"/api/tokens/{other['id']}", headers=bearer(reader["token"]))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    assert (await client.delete(f"/api/tokens/{reader['id']}", headers=bearer(reader["token"]))).status_code == 200
    assert (await client.get("/api/videos", headers=bearer(reader["token"]))).status_code == 401
    assert (await client.get("/api/videos", headers=bearer(other["token"]))).status_code == 200
