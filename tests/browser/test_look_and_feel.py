"""Theme choice that survives a reload, and a library that works on a 360 px wide phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import USER_PASSWORD, shot, sign_in

pytestmark = pytest.mark.browser


def app_theme(page) -> str:  # noqa: ANN001
    return page.evaluate("document.querySelector('.v-application').classList.contains('v-theme--light')"
                         " ? 'light' : 'dark'")


def test_dark_by_default_and_light_remembered(new_page, api) -> None:  # noqa: ANN001
    made = api.call("bob", "POST", "/api/videos", json={"prompt": "A lantern festival over a river", "seconds": "4"})
    assert made.status_code == 200, made.text
    page = new_page()
    sign_in(page, "bob", USER_PASSWORD)
    assert app_theme(page) == "dark"
    page.get_by_test_id("theme-toggle").click()
    assert app_theme(page) == "light"
    page.reload()
    expect(page.get_by_test_id("library-summary")).to_be_visible()
    assert app_theme(page) == "light"
    video_id = made.json()["id"]
    expect(page.locator(f'[data-video-id="{video_id}"]')).to_have_attribute("data-status", "completed", timeout=30_000)
    shot(page, "library-light")
    page.get_by_test_id("theme-toggle").click()
    page.reload()
    expect(page.get_by_test_id("library-summary")).to_be_visible()
    assert app_theme(page) == "dark"

    # Signing out ends the session: back to sign-in, and the library is out of reach.
    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/login")
    page.goto("/")
    page.wait_for_url("**/login")


def test_phone_library_is_usable(new_page, api) -> None:  # noqa: ANN001
    for prompt in ("A hummingbird at a red flower, macro", "Waves at night under a full moon"):
        assert api.call("bob", "POST", "/api/videos", json={"prompt": prompt, "seconds": "4"}).status_code == 200
    page = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(page, "bob", USER_PASSWORD)
    cards = page.get_by_test_id("video-card")
    expect(cards.first).to_be_visible()
    # One column, nothing wider than the screen, the navigation at the bottom.
    boxes = [cards.nth(i).bounding_box() for i in range(min(cards.count(), 2))]
    assert all(b["width"] <= 360 and b["x"] >= 0 for b in boxes), boxes
    if len(boxes) == 2:
        assert boxes[1]["y"] > boxes[0]["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Create")).to_be_visible()
    expect(page.get_by_test_id("search")).to_be_visible()
    page.wait_for_timeout(300)
    shot(page, "phone-library")
    nav.get_by_role("link", name="Create").click()
    expect(page.get_by_test_id("submit-create")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every duration button fits on the screen.
    assert page.get_by_test_id("duration").evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    shot(page, "phone-create", full_page=True)


def test_an_admins_phone_navigation_fits_and_reaches_the_admin_pages(new_page) -> None:  # noqa: ANN001
    page = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(page)
    nav = page.get_by_role("navigation", name="Main navigation")
    entries = nav.locator(".v-btn")
    expect(entries).to_have_count(4)  # Library, Create, Collections, Admin (Settings is in the account menu)
    boxes = [entries.nth(i).bounding_box() for i in range(4)]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 360 for b in boxes), boxes
    expect(nav.get_by_role("link", name="Library")).to_be_visible()
    page.get_by_test_id("phone-admin-menu").click()
    page.get_by_role("menuitem", name="Users").click()
    page.wait_for_url("**/admin/users")
    expect(page.get_by_test_id("phone-admin-menu")).to_have_class(re.compile(r"v-btn--active"))
    shot(page, "phone-admin-menu")
