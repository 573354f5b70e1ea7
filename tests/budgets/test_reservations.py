"""Budget arithmetic through the real API: jobs in flight reserve their estimate, refusals say what is left and
when it resets, the instance's budget is shared, emulated jobs are free, and a new period starts from zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from sora2.budgets.periods import current_window
from sora2.media.store.keys import name_of, video_key
from sora2.models import Budget, Video
from tests.budgets.conftest import PRICE, create, set_budget, user_id
from tests.conftest import make_user
from tests.media.helpers import write_clip


def _next_month(now: datetime) -> datetime:
    return (now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=32)).replace(day=1)


async def test_jobs_in_flight_reserve_their_estimate_until_the_budget_is_used(client, admin_headers, alice):
    await set_budget(client, admin_headers, await user_id(client, alice), 2 * PRICE + 0.10)  # fits two
    assert (await create(client, alice)).status_code == 200
    assert (await create(client, alice)).status_code == 200
    refused = await create(client, alice)
    assert refused.status_code == 402
    body = refused.json()
    resets = _next_month(datetime.now(UTC))
    assert body["code"] == "budget_exceeded"
    assert body["error"] == (f"Budget exceeded: This video is estimated at $0.40, but only $0.10 of your monthly "
                             f"budget of $0.90 is left. It resets on {resets:%Y-%m-%d} 00:00 UTC.")
    assert body["budget"]["remaining"] == 0.10 and body["budget"]["requested"] == PRICE
    assert body["budget"]["resets_at"] == int(resets.timestamp())

    mine = (await client.get("/api/budget", headers=alice)).json()
    assert mine["instance"] is None
    assert mine["user"] | {"used": 0.8, "reserved": 0.8, "remaining": 0.1, "period_label": "monthly"} == mine["user"]
    assert len((await client.get("/api/videos", headers=alice)).json()["videos"]) == 2


async def test_the_actual_cost_replaces_the_estimate_and_failed_jobs_release_theirs(client, admin_headers, alice,
                                                                                     ctx):
    await set_budget(client, admin_headers, await user_id(client, alice), 1.00)
    first = (await create(client, alice)).json()
    second = (await create(client, alice)).json()
    # What the tracker writes when the provider reports: the first cost less than estimated, the second failed.
    async with ctx.sessions.begin() as session:
        await session.execute(update(Video).where(Video.id == first["id"])
                              .values(status="completed", actual_cost=0.15, download_state="done"))
        await session.execute(update(Video).where(Video.id == second["id"]).values(status="failed"))
    mine = (await client.get("/api/budget", headers=alice)).json()["user"]
    assert (mine["used"], mine["reserved"], mine["remaining"]) == (0.15, 0.0, 0.85)
    assert (await create(client, alice)).status_code == 200
    assert (await create(client, alice)).status_code == 200  # 0.15 + 0.40 + 0.40 = 0.95
    assert (await create(client, alice)).status_code == 402


async def test_the_instance_budget_is_shared_and_says_so(client, admin_headers, alice):
    bob = await make_user(client, admin_headers, "bob")
    await set_budget(client, admin_headers, None, 3 * PRICE)
    for _ in range(2):
        assert (await create(client, alice)).status_code == 200
    assert (await create(client, bob)).status_code == 200
    refused = await create(client, bob)
    assert refused.status_code == 402
    assert "of the studio's shared monthly budget of $1.20 is left" in refused.json()["error"]
    assert refused.json()["budget"]["scope"] == "instance"
    shared = (await client.get("/api/budget", headers=bob)).json()["instance"]
    assert (shared["used"], shared["remaining"]) == (1.2, 0.0)


async def test_a_user_budget_and_the_instance_budget_both_hold(client, admin_headers, alice):
    await set_budget(client, admin_headers, None, 10.0)
    await set_budget(client, admin_headers, await user_id(client, alice), PRICE)
    assert (await create(client, alice)).status_code == 200
    refused = (await create(client, alice)).json()
    assert refused["budget"]["scope"] == "user" and "your monthly budget of $0.40" in refused["error"]


async def test_remix_and_continue_are_refused_too(client, admin_headers, alice, ctx, tmp_path):
    video = (await create(client, alice)).json()
    clip = write_clip(tmp_path / "clip.mp4", 1280, 720, seconds=1, fps=4)
    await ctx.storage.put_file(video_key(video["id"]), clip.path)  # as if downloaded
    async with ctx.sessions.begin() as session:
        await session.execute(update(Video).where(Video.id == video["id"]).values(
            status="completed", download_state="done", provider_video_id="video_1",
            file_name=name_of(video_key(video["id"]))))
    await set_budget(client, admin_headers, await user_id(client, alice), PRICE + 0.01)
    remix = await client.post(f"/api/videos/{video['id']}/remix", json={"prompt": "at night"}, headers=alice)
    extend = await client.post(f"/api/videos/{video['id']}/continue", json={"prompt": "and then"}, headers=alice)
    assert (remix.status_code, remix.json()["code"]) == (402, "budget_exceeded")
    assert (extend.status_code, extend.json()["code"]) == (402, "budget_exceeded")


async def test_a_new_period_starts_from_zero(client, admin_headers, alice, ctx):
    await set_budget(client, admin_headers, await user_id(client, alice), PRICE, period="days", period_days=7)
    assert (await create(client, alice)).status_code == 200
    assert (await create(client, alice)).status_code == 402
    async with ctx.sessions.begin() as session:  # eight days later: the budget's week began after that video
        for row in [*(await session.execute(select(Budget))).scalars(), *(await session.execute(select(Video))).scalars()]:
            if isinstance(row, Budget):
                row.anchor_at -= timedelta(days=8)
            else:
                row.created_at -= timedelta(days=8)
    mine = (await client.get("/api/budget", headers=alice)).json()["user"]
    assert (mine["used"], mine["remaining"], mine["period_label"]) == (0.0, PRICE, "weekly")
    assert (await create(client, alice)).status_code == 200


def test_periods_are_calendar_months_or_runs_of_days_from_the_anchor():
    now = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    month = Budget(period="month", anchor_at=datetime(2026, 1, 15, tzinfo=UTC))
    assert current_window(month, now) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    week = Budget(period="days", period_days=7, anchor_at=datetime(2026, 12, 1, 12, tzinfo=UTC))
    assert current_window(week, now) == (datetime(2026, 12, 29, 12, tzinfo=UTC), datetime(2027, 1, 5, 12, tzinfo=UTC))


async def test_emulated_jobs_cost_nothing(client, admin_headers, settings, tmp_path):
    from sora2.app import create_app
    import httpx

    emulated = create_app(settings.model_copy(update={"openai_base_url": None, "openai_api_key": None,
                                                      "emulator_enabled": True}))
    api = emulated.fastapi
    async with api.router.lifespan_context(api), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=emulated), base_url="http://t") as http:
        admin = {"Authorization": "Bearer " + (await http.post("/api/auth/login", json={
            "username": "admin", "password": settings.admin_password.get_secret_value()})).json()["token"]}
        await set_budget(http, admin, None, 0.0)
        response = await create(http, admin)
        assert response.status_code == 200 and response.json()["emulated"]
        shared = (await http.get("/api/budget", headers=admin)).json()["instance"]
        assert (shared["used"], shared["remaining"]) == (0.0, 0.0)


async def test_admins_set_and_remove_budgets_and_see_them_all(client, admin_headers, alice):
    alice_id = await user_id(client, alice)
    assert (await client.put(f"/api/admin/users/{alice_id}/budget", json={"amount": 5}, headers=alice)).status_code == 403
    bad = await client.put(f"/api/admin/users/{alice_id}/budget", json={"amount": 5, "period": "days"},
                           headers=admin_headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_budget")
    await set_budget(client, admin_headers, alice_id, 5)
    await set_budget(client, admin_headers, None, 50)
    listed = (await client.get("/api/admin/budgets", headers=admin_headers)).json()["budgets"]
    assert {(b["scope"], b["username"], b["amount"]) for b in listed} == {("instance", None, 50.0),
                                                                         ("user", "alice", 5.0)}
    assert (await client.delete(f"/api/admin/users/{alice_id}/budget", headers=admin_headers)).status_code == 200
    assert (await client.get("/api/budget", headers=alice)).json()["user"] is None
