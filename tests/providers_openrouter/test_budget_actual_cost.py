"""Budgets against a provider that bills: OpenRouter (its emulator billing at half the list price) reports the
actual cost, which replaces the estimate the job reserved while it ran."""

from __future__ import annotations

import pytest

from tests.emulator_openrouter.helpers import Running
from tests.providers_openrouter.helpers import MODEL
from tests.videos.helpers import wait_for_video


async def _budget(client, headers) -> dict:  # noqa: ANN001
    return (await client.get("/api/budget", headers=headers)).json()["instance"]


async def test_the_reported_cost_replaces_the_reserved_estimate(client, admin_headers, user_headers,
                                                                openrouter: Running):
    await openrouter.faults(cost_multiplier=0.5)
    response = await client.put("/api/admin/budgets/instance", json={"amount": 1.0}, headers=admin_headers)
    assert response.status_code == 200, response.text
    body = {"prompt": "a paper boat", "model": MODEL, "seconds": "4", "aspect_ratio": "16:9", "resolution": "720p"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    assert video["cost"] == 0.4
    while_running = await _budget(client, user_headers)
    assert (while_running["used"], while_running["reserved"]) == (0.4, 0.4)

    done = await wait_for_video(client, user_headers, video["id"])
    assert done["status"] == "completed" and done["actual_cost"] == pytest.approx(0.2)
    after = await _budget(client, user_headers)
    assert (after["used"], after["reserved"], after["remaining"]) == (0.2, 0.0, 0.8)
    # 0.2 spent + 2 × 0.4 reserved fits in 1.00; a third does not.
    for expected in (200, 200, 402):
        assert (await client.post("/api/videos", json=body, headers=user_headers)).status_code == expected
