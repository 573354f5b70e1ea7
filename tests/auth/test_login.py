from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from tests.conftest import ADMIN_PASSWORD, login


async def test_login_returns_token_with_original_claims(client, settings):
    response = await client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "admin" and body["user"]["role"] == "admin"
    claims = jwt.decode(body["token"], settings.jwt_secret.get_secret_value(), algorithms=["HS256"])
    assert claims["userId"] == body["user"]["id"] and claims["username"] == "admin"
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600


async def test_login_accepts_urlencoded_body(client):
    response = await client.post("/api/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize("body", [{}, {"username": "admin"}, {"password": "x"}, {"username": "", "password": ""}])
async def test_login_requires_both_fields(client, body):
    response = await client.post("/api/auth/login", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "Username and password required"


async def test_non_string_password_is_a_400_not_a_crash(client):
    response = await client.post("/api/auth/login", json={"username": "admin", "password": 12345678})
    assert response.status_code == 400
    assert "error" in response.json()


async def test_wrong_password_and_unknown_user_look_the_same(client):
    wrong = await client.post("/api/auth/login", json={"username": "admin", "password": "nope-nope"})
    unknown = await client.post("/api/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "Invalid credentials"


async def test_login_is_rate_limited_per_user(client):
    for _ in range(5):
        assert (await client.post("/api/auth/login", json={"username": "admin", "password": "bad-bad"})).status_code == 401
    limited = await client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Too many" in limited.json()["error"]


async def test_malformed_json_is_a_clear_400(client):
    response = await client.post("/api/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "Malformed JSON body"


async def test_tokens_are_required_and_verified(client, admin_headers):
    assert (await client.get("/api/videos")).json() == {"error": "No token provided", "code": "no_token"}
    assert (await client.get("/api/videos", headers={"Authorization": "Token abc"})).status_code == 401
    bad = await client.get("/api/videos", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401 and bad.json()["error"] == "Invalid token"
    assert (await client.get("/api/auth/me", headers=admin_headers)).json()["user"]["username"] == "admin"


async def test_token_signed_with_another_secret_is_refused(client):
    forged = jwt.encode({"userId": "user_1", "username": "admin", "exp": 9999999999},
                        "change_this_secret_in_production", algorithm="HS256")
    response = await client.get("/api/videos", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_query_token_is_refused_outside_content_routes(client, admin_headers):
    token = admin_headers["Authorization"].split()[1]
    response = await client.get(f"/api/videos?token={token}")
    assert response.status_code == 401


async def test_disabled_user_cannot_log_in_or_use_old_tokens(client, admin_headers, user_headers):
    users = (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
    alice = next(u for u in users if u["username"] == "alice")
    response = await client.patch(f"/api/admin/users/{alice['id']}", json={"disabled": True}, headers=admin_headers)
    assert response.status_code == 200 and response.json()["user"]["disabled"] is True
    assert (await client.get("/api/videos", headers=user_headers)).status_code == 401
    relogin = await client.post("/api/auth/login", json={"username": "alice", "password": "password-123"})
    assert relogin.status_code == 401


async def test_change_password_flow_and_messages(client, user_headers):
    url = "/api/admin/change-password"
    assert (await client.post(url, json={}, headers=user_headers)).json()["error"] == "Current and new password required"
    short = await client.post(url, json={"currentPassword": "password-123", "newPassword": "abc"}, headers=user_headers)
    assert short.status_code == 400 and short.json()["error"] == "New password must be at least 12 characters"
    wrong = await client.post(url, json={"currentPassword": "nope-nope", "newPassword": "abcdefgh-123"},
                              headers=user_headers)
    assert wrong.status_code == 401 and wrong.json()["error"] == "Current password is incorrect"
    ok = await client.post(url, json={"currentPassword": "password-123", "newPassword": "abcdefgh-123"},
                           headers=user_headers)
    assert ok.json() == {"success": True, "message": "Password changed successfully"}
    assert await login(client, "alice", "abcdefgh-123")


async def test_a_seen_token_is_refused_once_it_expires(client, ctx, admin_headers):
    me = (await client.get("/api/auth/me", headers=admin_headers)).json()["user"]
    soon = jwt.encode({"userId": me["id"], "username": "admin", "iat": int(time.time()), "exp": int(time.time()) + 2},
                      ctx.tokens.secret, algorithm="HS256")
    headers = {"Authorization": f"Bearer {soon}"}
    for _ in range(2):  # the second answer comes from the decoded-token cache
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 200
    await asyncio.sleep(3.1)
    refused = await client.get("/api/auth/me", headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
