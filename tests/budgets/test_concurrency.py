"""The limit holds under concurrency: 20 simultaneous creates against a budget that fits 5 start exactly 5, on
SQLite and (with SORA2_TEST_DATABASE_URL) PostgreSQL. Two server processes: tests/multi_instance."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from sora2.models import BudgetNotice, Video
from tests.budgets.conftest import PRICE, create, set_budget, user_id
from tests.conftest import make_user


async def test_twenty_simultaneous_creates_against_a_budget_for_five_start_five(client, admin_headers, alice, ctx):
    await set_budget(client, admin_headers, await user_id(client, alice), 5 * PRICE + 0.2)
    responses = await asyncio.gather(*(create(client, alice, prompt=f"take {i}") for i in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 5 + [402] * 15, [r.text for r in responses if r.status_code not in (200, 402)]
    async with ctx.sessions.begin() as session:
        assert (await session.execute(select(func.count()).select_from(Video))).scalar_one() == 5
    assert (await client.get("/api/budget", headers=alice)).json()["user"]["used"] == 2.0


async def test_the_shared_budget_holds_when_many_users_create_at_once(client, admin_headers):
    await set_budget(client, admin_headers, None, 5 * PRICE)
    users = [await make_user(client, admin_headers, f"user{i}") for i in range(4)]
    responses = await asyncio.gather(*(create(client, users[i % 4]) for i in range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [402] * 15


async def test_admins_get_one_notice_when_a_user_passes_80_percent(client, admin_headers, alice, ctx):
    alice_id = await user_id(client, alice)
    await set_budget(client, admin_headers, alice_id, 5 * PRICE)
    for _ in range(3):  # 60 %
        assert (await create(client, alice)).status_code == 200
    assert (await client.get("/api/admin/budgets", headers=admin_headers)).json()["notices"] == []
    await asyncio.gather(*(create(client, alice) for _ in range(3)))  # 80 %, then 100 %, then refused
    notices = (await client.get("/api/admin/budgets", headers=admin_headers)).json()["notices"]
    assert [(n["username"], n["percent"]) for n in notices] == [("alice", 80.0)]
    assert (await client.get("/api/admin/budgets", headers=alice)).status_code == 403
    dismissed = await client.post(f"/api/admin/budget-notices/{notices[0]['id']}/dismiss", headers=admin_headers)
    assert dismissed.status_code == 200
    assert (await client.get("/api/admin/budgets", headers=admin_headers)).json()["notices"] == []
    async with ctx.sessions.begin() as session:  # dismissed, not forgotten: no second notice this period
        assert (await session.execute(select(func.count()).select_from(BudgetNotice))).scalar_one() == 1


async def test_a_notice_id_beyond_the_databases_integers_is_a_400(client, admin_headers):  # noqa: ANN001
    for notice_id in ("14722588080873929068775473152", str(2**31), "0", "-1", "x"):  # the first was the fuzzer's 500
        answer = await client.post(f"/api/admin/budget-notices/{notice_id}/dismiss", headers=admin_headers)
        assert answer.status_code == 400, (notice_id, answer.text)
        assert "error" in answer.json()
    assert (await client.post("/api/admin/budget-notices/42/dismiss", headers=admin_headers)).status_code == 404
