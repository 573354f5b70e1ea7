"""The admin dashboard's data: spend and counts per day, user, provider and model for a period; job health per
provider; storage per user; the per-video ledger as CSV; any user's videos, read-only, for admins only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from sora2.models import Video
from tests.budgets.conftest import create, settings  # noqa: F401  (the priced provider that never submits)
from tests.conftest import make_user


async def _ledger(client, admin_headers, ctx) -> tuple[dict, dict]:  # noqa: ANN001
    """alice: two sora-2 jobs (one completed at an actual $0.30, one failed), bob: one sora-2-pro job, queued."""
    alice = await make_user(client, admin_headers, "alice")
    bob = await make_user(client, admin_headers, "bob")
    done = (await create(client, alice)).json()
    failed = (await create(client, alice)).json()
    await create(client, bob, model="sora-2-pro")
    now = datetime.now(UTC)
    async with ctx.sessions.begin() as session:
        await session.execute(update(Video).where(Video.id == done["id"]).values(
            status="completed", actual_cost=0.30, download_state="done", file_size=1_000_000, notified_at=now,
            created_at=now - timedelta(days=1, seconds=0), completed_at=now))
        await session.execute(update(Video).where(Video.id == failed["id"]).values(status="failed"))
    return alice, bob


async def test_usage_by_day_user_provider_and_model(client, admin_headers, ctx):
    await _ledger(client, admin_headers, ctx)
    today = datetime.now(UTC).date()
    usage = (await client.get("/api/admin/usage", params={"start": str(today - timedelta(days=6))},
                              headers=admin_headers)).json()
    assert (usage["start"], usage["end"], len(usage["by_day"])) == (str(today - timedelta(days=6)), str(today), 7)
    assert usage["totals"] == {"spend": 1.5, "videos": 3}  # 0.30 actual + 0 failed + 1.20 reserved (pro, 720p)
    assert [(d["key"], d["spend"], d["videos"]) for d in usage["by_day"][-2:]] == [
        (str(today - timedelta(days=1)), 0.3, 1), (str(today), 1.2, 2)]
    assert [(u["label"], u["spend"], u["videos"]) for u in usage["by_user"]] == [("bob", 1.2, 1), ("alice", 0.3, 2)]
    assert [(p["key"], p["videos"]) for p in usage["by_provider"]] == [("openai", 3)]
    assert {m["key"]: m["spend"] for m in usage["by_model"]} == {"sora-2-pro": 1.2, "sora-2": 0.3}
    [health] = usage["jobs"]
    assert health["by_status"] == {"completed": 1, "failed": 1, "queued": 1}
    assert health["failure_rate"] == 0.5 and 86_000 < health["median_seconds_to_ready"] < 86_500
    assert [(s["username"], s["bytes"], s["videos"]) for s in usage["storage"]] == [("alice", 1_000_000, 1)]


async def test_a_cancelled_job_counts_as_cancelled_not_as_a_providers_failure(client, admin_headers, ctx):
    await _ledger(client, admin_headers, ctx)
    carol = await make_user(client, admin_headers, "carol")
    cancelled = (await create(client, carol)).json()
    async with ctx.sessions.begin() as session:  # as the tracker leaves it: failed for the original's clients
        await session.execute(update(Video).where(Video.id == cancelled["id"]).values(
            status="failed", cancelled_at=datetime.now(UTC)))
    usage = (await client.get("/api/admin/usage", headers=admin_headers)).json()
    [health] = usage["jobs"]
    assert health["by_status"] == {"completed": 1, "failed": 1, "queued": 1, "cancelled": 1}
    assert health["failure_rate"] == 0.5


async def test_the_ledger_downloads_as_csv(client, admin_headers, ctx):
    await _ledger(client, admin_headers, ctx)
    response = await client.get("/api/admin/usage/ledger.csv", headers=admin_headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["user"], r["model"], r["status"], r["estimate_usd"], r["actual_usd"], r["charged_usd"])
            for r in rows] == [("alice", "sora-2", "completed", "0.40", "0.30", "0.30"),
                               ("alice", "sora-2", "failed", "0.40", "", "0.00"),
                               ("bob", "sora-2-pro", "queued", "1.20", "", "1.20")]
    assert all(r["provider"] == "openai" and r["seconds"] == "4" for r in rows)


async def test_periods_are_checked(client, admin_headers):
    bad = await client.get("/api/admin/usage", params={"start": "2026-12-01", "end": "2026-11-01"},
                           headers=admin_headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_period")
    assert (await client.get("/api/admin/usage", params={"start": "yesterday"}, headers=admin_headers)).status_code == 400


async def test_only_admins_see_usage_and_others_videos(client, admin_headers, ctx):
    alice, bob = await _ledger(client, admin_headers, ctx)
    alice_id = (await client.get("/api/auth/me", headers=alice)).json()["user"]["id"]
    for path in ("/api/admin/usage", "/api/admin/usage/ledger.csv", f"/api/admin/users/{alice_id}/videos"):
        assert (await client.get(path, headers=bob)).status_code == 403
    listed = (await client.get(f"/api/admin/users/{alice_id}/videos", headers=admin_headers)).json()
    assert listed["total"] == 2 and {v["user_id"] for v in listed["videos"]} == {alice_id}
    too_far = await client.get(f"/api/admin/users/{alice_id}/videos", params={"offset": 10**30}, headers=admin_headers)
    assert too_far.status_code == 400 and "offset" in too_far.json()["error"]  # not the database's overflow
    one = await client.get(f"/api/admin/videos/{listed['videos'][0]['id']}", headers=admin_headers)
    assert one.status_code == 200 and one.json()["user_id"] == alice_id
    assert (await client.get(f"/api/videos/{listed['videos'][0]['id']}", headers=admin_headers)).status_code == 403
    # Each look is in the audit log, found under the owner's name.
    audit = (await client.get("/api/admin/audit", params={"user": "alice"}, headers=admin_headers)).json()
    looks = [(e["action"], e["target"]) for e in audit["entries"] if e["action"].startswith("admin.videos.")]
    assert looks == [("admin.videos.view", f"video:{listed['videos'][0]['id']}"),
                     ("admin.videos.list", f"user:{alice_id}")], audit
