"""axe-core (the npm package, injected into real Chromium) finds no critical or serious violation on any page, in
either theme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.helpers import PASSWORD, fresh_user, make_video, wait_done

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def violations(page) -> list[dict]:  # noqa: ANN001
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make ui` (npm ci in frontend/)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in BLOCKING]


def settle(page, ready: str) -> None:  # noqa: ANN001
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_timeout(400)  # transitions done, so colours are final


@pytest.fixture(scope="module")
def world(api) -> dict:  # noqa: ANN001
    """An admin-created user with finished videos, a collection and a live share link."""
    user = fresh_user(api, "axe", role="admin")  # an admin, so the Users page and every Settings part show
    ids = [make_video(api, user, prompt) for prompt in ("A calm lake at dawn", "Neon city in the rain")]
    for video_id in ids:
        wait_done(api, user, video_id)
    board = api.call(user, "POST", "/api/collections", json={"name": "Shortlist"}).json()
    api.call(user, "POST", f"/api/collections/{board['id']}/videos", json={"video_ids": ids})
    link = api.call(user, "POST", "/api/shares", json={"video_id": ids[0], "show_prompt": True}).json()
    api.call(user, "PUT", f"/api/videos/{ids[0]}/favourite")
    return {"user": user, "video": ids[0], "collection": board["id"], "share": link["url"]}


PAGES = [  # path, what shows when it is ready
    ("/", '[data-testid="video-card"]'),
    ("/?fav=1&sort=oldest", '[data-testid="video-card"]'),
    ("/?q=nothing-matches-this", '[data-testid="empty-library"]'),
    ("/create", '[data-testid="create-form"]'),
    ("/collections", '[data-testid="collection-tile"]'),
    ("/settings", '[data-testid="presets"]'),
    ("/admin/users", "table"),
    ("/no-such-page", ".v-empty-state"),
]


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_page_has_no_serious_violations(new_page, api, world, theme) -> None:  # noqa: ANN001
    # axe-core is injected as an inline script, which the UI's Content-Security-Policy rightly refuses: these
    # pages bypass it (tests/browser/test_security.py checks the policy itself).
    page = new_page(bypass_csp=True)
    page.add_init_script(f"localStorage.setItem('sora2.theme', '{theme}')")
    found: dict[str, list] = {}

    signed_out = new_page(bypass_csp=True)
    signed_out.add_init_script(f"localStorage.setItem('sora2.theme', '{theme}')")
    signed_out.goto("/login")
    settle(signed_out, '[data-testid="sign-in"]')
    found["/login"] = violations(signed_out)
    signed_out.goto(world["share"])
    settle(signed_out, '[data-testid="share-video"]')
    found["share page"] = violations(signed_out)

    sign_in(page, world["user"], PASSWORD)
    for path, ready in PAGES:
        page.goto(path)
        settle(page, ready)
        found[path] = violations(page)
    # The player over the library, a collection's page, the card menu open, a dialog open.
    page.goto(f"/videos/{world['video']}")
    settle(page, '[data-testid="video-element"]')
    found["player"] = violations(page)

    user_page = page
    user_page.goto(f"/?collection={world['collection']}")
    settle(user_page, '[data-testid="collection-header"]')
    found["collection page"] = violations(user_page)
    user_page.get_by_test_id("card-menu").first.click()
    settle(user_page, '[role="menu"]')
    found["card menu"] = violations(user_page)
    user_page.keyboard.press("Escape")
    user_page.get_by_test_id("select").first.check()
    settle(user_page, '[data-testid="selection-bar"]')
    found["selection"] = violations(user_page)
    user_page.get_by_test_id("collection-share").click()
    settle(user_page, '[data-testid="share-dialog"]')
    found["share dialog"] = violations(user_page)

    bad = {where: issues for where, issues in found.items() if issues}
    assert not bad, json.dumps(bad, indent=1)
