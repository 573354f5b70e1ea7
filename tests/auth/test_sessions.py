"""A new password ends the sign-ins made with the old one: all but the caller's own when users change it
themselves, all of them when an admin resets it. Personal API tokens are managed on their own and stay."""

from __future__ import annotations

import jwt

from tests.conftest import ADMIN_PASSWORD, login

PASSWORD, NEW_PASSWORD = "password-123", "new-password-456"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_changing_your_password_signs_out_everywhere_else(client, admin_headers):
    await client.post("/api/admin/users", json={"username": "bob", "password": PASSWORD}, headers=admin_headers)
    laptop, phone = await login(client, "bob", PASSWORD), await login(client, "bob", PASSWORD)
    api = (await client.post("/api/tokens", json={"name": "script"}, headers=bearer(laptop))).json()["token"]
    # The cached sign-in must not outlive the change either.
    assert (await client.get("/api/videos", headers=bearer(phone))).status_code == 200
    changed = await client.post("/api/admin/change-password", headers=bearer(laptop),
                                json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/auth/me", headers=bearer(laptop))).status_code == 200  # the one that changed it
    ended = await client.get("/api/videos", headers=bearer(phone))
    assert ended.status_code == 401
    assert ended.json() == {"error": "Signed out: the password was changed. Sign in again.", "code": "session_ended"}
    assert (await client.get("/api/auth/me", headers=bearer(api))).status_code == 200
    fresh = await login(client, "bob", NEW_PASSWORD)  # within the same second as the change
    assert (await client.get("/api/auth/me", headers=bearer(fresh))).status_code == 200
    assert (await client.post("/api/auth/login", json={"username": "bob", "password": PASSWORD})).status_code == 401


async def test_an_admin_reset_signs_the_user_out_everywhere(client, admin_headers):
    created = (await client.post("/api/admin/users", json={"username": "carol", "password": PASSWORD},
                                 headers=admin_headers)).json()
    session = await login(client, "carol", PASSWORD)
    reset = await client.patch(f"/api/admin/users/{created['user']['id']}", json={"password": NEW_PASSWORD},
                               headers=admin_headers)
    assert reset.status_code == 200, reset.text
    assert (await client.get("/api/auth/me", headers=bearer(session))).status_code == 401
    assert (await client.get("/api/auth/me", headers=bearer(await login(client, "carol", NEW_PASSWORD)))).status_code \
        == 200


async def test_the_originals_tokens_with_whole_second_iat_still_work_until_a_change(client, ctx, admin_headers):
    me = (await client.get("/api/auth/me", headers=admin_headers)).json()["user"]
    claims = jwt.decode(admin_headers["Authorization"][7:], options={"verify_signature": False})
    original = jwt.encode({"userId": me["id"], "username": "admin", "iat": claims["iat"] - 5,
                           "exp": claims["exp"]}, ctx.tokens.secret, algorithm="HS256")
    assert (await client.get("/api/auth/me", headers=bearer(original))).status_code == 200
    changed = await client.post("/api/admin/change-password", headers=admin_headers,
                                json={"currentPassword": ADMIN_PASSWORD, "newPassword": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/auth/me", headers=bearer(original))).status_code == 401
