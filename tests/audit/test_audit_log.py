"""The audit log: what is recorded, who may read it, filters, paging, exports, and what an account owner sees."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from sora2.audit import record
from sora2.users.service import UserService
from tests.conftest import login, make_user


async def entries(client, admin_headers, **query) -> list[dict]:  # noqa: ANN001, ANN003
    response = await client.get("/api/admin/audit", params=query, headers=admin_headers)
    assert response.status_code == 200, response.text
    return response.json()["entries"]


async def user_id(client, admin_headers, username: str) -> str:  # noqa: ANN001
    users = (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
    return next(u["id"] for u in users if u["username"] == username)


async def test_sign_ins_and_failures_are_recorded_with_the_address(client, admin_headers):
    await client.post("/api/auth/login", json={"username": "admin", "password": "wrong-password"})
    await client.post("/api/auth/login", json={"username": "ghost", "password": "wrong-password"})
    failed = await entries(client, admin_headers, action="auth.sign_in_failed")
    assert [(e["target_name"], e["details"]["reason"], e["address"]) for e in failed] == [
        ("ghost", "unknown account", "127.0.0.1"), ("admin", "wrong password", "127.0.0.1")]
    assert failed[0]["target"] == "username:ghost" and failed[0]["actor_id"] is None
    signed_in = await entries(client, admin_headers, action="auth.sign_in")
    assert signed_in and signed_in[0]["actor_name"] == "admin" and signed_in[0]["target_name"] == "admin"


async def test_account_changes_name_who_did_what_to_whom(client, admin_headers):
    alice = await make_user(client, admin_headers, "alice")
    alice_id = await user_id(client, admin_headers, "alice")
    for body in ({"role": "admin"}, {"disabled": True}, {"disabled": False}, {"password": "reset-by-admin-1"}):
        assert (await client.patch(f"/api/admin/users/{alice_id}", json=body, headers=admin_headers)).is_success
    token = (await client.post("/api/tokens", json={"name": "laptop"}, headers=admin_headers)).json()
    await client.delete(f"/api/tokens/{token['id']}", headers=admin_headers)
    alice = {"Authorization": f"Bearer {await login(client, 'alice', 'reset-by-admin-1')}"}
    hers = (await client.post("/api/tokens", json={"name": "alice cli"}, headers=alice)).json()
    await client.delete(f"/api/admin/tokens/{hers['id']}", headers=admin_headers)
    await client.post("/api/admin/change-password", headers=alice,
                      json={"currentPassword": "not-her-password", "newPassword": "alice-chosen-1"})
    await client.post("/api/admin/change-password", headers=alice,
                      json={"currentPassword": "reset-by-admin-1", "newPassword": "alice-chosen-1"})
    log = [(e["action"], e["actor_name"], e["target"].split(":")[0], e["target_name"]) for e in
           reversed(await entries(client, admin_headers, user="alice"))]
    assert [entry for entry in log if entry[0] != "auth.sign_in"] == [
        ("user.created", "admin", "user", "alice"), ("user.role_changed", "admin", "user", "alice"),
        ("user.disabled", "admin", "user", "alice"), ("user.enabled", "admin", "user", "alice"),
        ("user.password_reset", "admin", "user", "alice"), ("token.created", "alice", "token", "alice"),
        ("token.revoked", "admin", "token", "alice"),  # an admin acting on someone else's token
        ("auth.password_change_failed", "alice", "user", "alice"), ("auth.password_changed", "alice", "user", "alice"),
    ]
    revoked = await entries(client, admin_headers, action="token.revoked")
    assert revoked[0]["details"] == {"name": "alice cli", "owner_id": alice_id, "as_admin": True}
    assert revoked[1]["details"] == {"name": "laptop", "owner_id": revoked[1]["actor_id"]}
    role = (await entries(client, admin_headers, action="user.role_changed"))[0]
    assert role["details"] == {"from": "user", "to": "admin"}


async def test_filters_and_paging(client, admin_headers):
    for index in range(5):
        await make_user(client, admin_headers, f"user{index}")
    family = await entries(client, admin_headers, action="user.")
    assert {e["action"] for e in family} == {"user.created"} and len(family) == 6  # and the first admin
    first_page = await client.get("/api/admin/audit", params={"limit": 4}, headers=admin_headers)
    body = first_page.json()
    assert len(body["entries"]) == 4 and body["next_before"] == body["entries"][-1]["id"]
    rest = await entries(client, admin_headers, before_id=body["next_before"], limit=200)
    ids = [e["id"] for e in body["entries"] + rest]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))
    assert "auth.sign_in" in body["actions"]
    later = int(time.time()) + 3600
    assert await entries(client, admin_headers, since=later) == []
    assert len(await entries(client, admin_headers, until=later, action="user.")) == 6
    assert (await client.get("/api/admin/audit?limit=500", headers=admin_headers)).status_code == 400


async def test_only_admins_read_or_export_it(client, user_headers):
    assert (await client.get("/api/admin/audit", headers=user_headers)).status_code == 403
    assert (await client.get("/api/admin/audit/export", headers=user_headers)).status_code == 403
    assert (await client.get("/api/admin/audit")).status_code == 401


async def test_csv_export_is_safe_to_open_in_a_spreadsheet(client, admin_headers):
    await client.post("/api/auth/login", json={"username": "=HYPERLINK(\"x\")", "password": "wrong-password"})
    response = await client.get("/api/admin/audit/export?format=csv", headers=admin_headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    injected = next(r for r in rows if r["action"] == "auth.sign_in_failed")
    assert injected["target_name"] == "'=HYPERLINK(\"x\")"  # a leading quote: text, not a formula
    assert json.loads(injected["details"]) == {"reason": "unknown account"}
    assert {r["action"] for r in rows} >= {"auth.sign_in", "user.created"}


async def test_json_export_filters_and_is_itself_recorded(client, admin_headers):
    response = await client.get("/api/admin/audit/export", params={"format": "json", "action": "auth."},
                                headers=admin_headers)
    exported = response.json()
    assert exported and {e["action"].split(".")[0] for e in exported} == {"auth"}
    assert (await entries(client, admin_headers, action="audit.exported"))[0]["details"] == {
        "format": "json", "action": "auth."}


async def test_owners_see_failed_sign_ins_since_their_previous_one(client, admin_headers):
    await make_user(client, admin_headers, "bob")
    for _ in range(3):
        await client.post("/api/auth/login", json={"username": "bob", "password": "guessing-123"})
    signed_in = (await client.post("/api/auth/login", json={"username": "bob", "password": "password-123"})).json()
    security = signed_in["security"]
    assert security["failed_attempts"] == 3 and security["last_failed_at"] >= security["since"]
    bob = {"Authorization": f"Bearer {signed_in['token']}"}
    assert (await client.get("/api/auth/me", headers=bob)).json()["security"] == security
    activity = (await client.get("/api/auth/activity", headers=bob)).json()
    assert activity["security"] == security
    assert [e["action"] for e in activity["entries"][:4]] == ["auth.sign_in"] + ["auth.sign_in_failed"] * 3
    assert all("bob" in (e["target_name"], e["actor_name"]) for e in activity["entries"])
    again = (await client.post("/api/auth/login", json={"username": "bob", "password": "password-123"})).json()
    assert again["security"]["failed_attempts"] == 0


async def test_record_is_the_one_call_other_features_make(client, ctx, admin_headers):
    admin = (await client.get("/api/auth/me", headers=admin_headers)).json()["user"]
    async with ctx.sessions.begin() as session:
        actor = await UserService(session).get(admin["id"])
        await record(session, actor, "budget.changed", "user:someone", {"limit": 25.0}, address="10.1.2.3")
    entry = (await entries(client, admin_headers, action="budget.changed"))[0]
    assert (entry["actor_name"], entry["target"], entry["details"], entry["address"]) == (
        "admin", "user:someone", {"limit": 25.0}, "10.1.2.3")


async def test_a_rolled_back_action_leaves_no_entry(client, ctx, admin_headers):
    with pytest.raises(RuntimeError):
        async with ctx.sessions.begin() as session:
            await record(session, None, "user.created", "user:phantom")
            raise RuntimeError("the action failed")
    assert [e for e in await entries(client, admin_headers) if e["target"] == "user:phantom"] == []


async def test_command_line_changes_are_recorded_without_an_actor(client, ctx, admin_headers):
    async with ctx.sessions.begin() as session:
        await UserService(session).create("cliuser", "cli-password-1")
    entry = (await entries(client, admin_headers, user="cliuser"))[0]
    assert entry["actor_id"] is None and entry["details"] == {"via": "command line", "role": "user"}


async def test_a_cursor_beyond_the_id_column_is_a_400_on_every_database(client, admin_headers):  # noqa: ANN001
    # audit_log.id is a 32-bit INTEGER on PostgreSQL: a larger cursor cannot be compared there.
    assert (await client.get("/api/admin/audit", params={"before_id": 2**31 - 1}, headers=admin_headers)
            ).status_code == 200
    answer = await client.get("/api/admin/audit", params={"before_id": 2**31}, headers=admin_headers)
    assert answer.status_code == 400 and "before_id" in answer.json()["error"]
