"""Budgets hold across instances: 20 simultaneous creates, split between two server processes sharing one
database (PostgreSQL with SORA2_TEST_DATABASE_URL), against a budget that fits 5, start exactly 5."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.e2e
JOB = {"prompt": "a lighthouse in fog", "model": "sora-2", "seconds": "4", "size": "1280x720"}  # $0.40


async def test_twenty_creates_on_two_instances_against_a_budget_for_five_start_five(pair):
    headers = {"Authorization": f"Bearer {login_sync(pair.a.url, 'admin', ADMIN_PASSWORD)}"}
    async with httpx.AsyncClient(base_url=pair.a.url, headers=headers, timeout=60) as a, \
            httpx.AsyncClient(base_url=pair.b.url, headers=headers, timeout=60) as b:
        budget = await b.put("/api/admin/budgets/instance", json={"amount": 2.2})
        assert budget.status_code == 200, budget.text
        responses = await asyncio.gather(*(
            (a if i % 2 else b).post("/api/videos", json={**JOB, "prompt": f"take {i}"}) for i in range(20)))
        assert sorted(r.status_code for r in responses) == [200] * 5 + [402] * 15, [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 402} == {"budget_exceeded"}
        listed = (await a.get("/api/videos")).json()
        assert listed["total"] == 5
        shared = (await b.get("/api/budget")).json()["instance"]
        assert shared["used"] == 2.0 and shared["remaining"] == 0.2
