"""Sign-in messages, expired sessions, per-user isolation, and the admin-only users page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import USER_PASSWORD, shot, sign_in
from tests.browser.helpers import autofocused
from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_wrong_password_then_sign_in_returns_to_the_page_wanted(new_page, api) -> None:  # noqa: ANN001
    page = new_page()
    page.goto("/settings")
    page.wait_for_url("**/login?redirect=/settings")
    shot(page, "login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong username or password.")
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_test_id("sign-in").click()
    page.wait_for_url("**/settings")
    expect(page.get_by_test_id("change-password")).to_be_visible()
    shot(page, "settings")


def test_expired_session_goes_back_to_sign_in_and_says_so(new_page, api) -> None:  # noqa: ANN001
    page = new_page()
    sign_in(page, "bob", USER_PASSWORD)
    page.get_by_role("link", name="Create").first.click()
    page.wait_for_url("**/create")
    # The server no longer accepts the stored token (as after expiry or a secret change): the next visit
    # finds out, and the page the user was on is remembered.
    page.evaluate("localStorage.setItem('sora2.token', 'expired.token.value')")
    page.reload()
    page.wait_for_url("**/login?redirect=/create")
    expect(page.get_by_test_id("session-expired")).to_contain_text("session has expired")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password", exact=True).fill(USER_PASSWORD)
    page.get_by_test_id("sign-in").click()
    page.wait_for_url("**/create")


def test_users_see_only_their_own_videos(new_page, api) -> None:  # noqa: ANN001
    made = api.call("admin", "POST", "/api/videos", json={"prompt": "Admin's private lighthouse", "seconds": "4"})
    assert made.status_code == 200, made.text
    admin_video = made.json()["id"]

    bob = new_page()
    sign_in(bob, "bob", USER_PASSWORD)
    expect(bob.get_by_test_id("library-summary")).to_be_visible()
    expect(bob.locator(f'[data-video-id="{admin_video}"]')).to_have_count(0)
    expect(bob.get_by_text("Admin's private lighthouse")).to_have_count(0)
    # Not even through a deep link, and no admin page in the navigation.
    bob.goto(f"/videos/{admin_video}")
    expect(bob.get_by_test_id("player")).to_contain_text(re.compile("not found|Not authorized", re.I))
    expect(bob.get_by_role("link", name="Users")).to_have_count(0)
    bob.goto("/admin/users")
    bob.wait_for_url(re.compile(r"/$"))

    admin = new_page()
    sign_in(admin)
    expect(admin.locator(f'[data-video-id="{admin_video}"]')).to_have_count(1)


def test_admin_manages_users(new_page, api) -> None:  # noqa: ANN001
    page = new_page()
    sign_in(page)
    page.get_by_role("link", name="Users").first.click()
    page.wait_for_url("**/admin/users")
    page.get_by_test_id("add-user").click()
    autofocused(page.get_by_test_id("new-username").locator("input")).fill("carol")
    page.get_by_test_id("new-password").locator("input").fill("carol-password")
    page.get_by_test_id("user-dialog-submit").click()
    row = page.locator('tr[data-username="carol"]')
    expect(row).to_be_visible()
    row.get_by_label("carol can sign in").uncheck()
    expect(page.get_by_test_id("snackbar")).to_contain_text("can no longer sign in", timeout=10_000)
    shot(page, "admin-users")
    users = api.call("admin", "GET", "/api/admin/users").json()["users"]
    assert next(u for u in users if u["username"] == "carol")["disabled"] is True


def test_a_password_changed_elsewhere_signs_this_browser_out_and_says_why(new_page, api) -> None:  # noqa: ANN001
    made = api.call("admin", "POST", "/api/admin/users", json={"username": "erin", "password": USER_PASSWORD})
    assert made.status_code == 200, made.text
    page = new_page()
    sign_in(page, "erin", USER_PASSWORD, path="/create")
    api.login("erin", USER_PASSWORD)
    # Erin changes her password on another device: that sign-in stays, this browser's ends.
    changed = api.call("erin", "POST", "/api/admin/change-password",
                       json={"currentPassword": USER_PASSWORD, "newPassword": "erin-new-password-1"})
    assert changed.status_code == 200, changed.text
    page.reload()
    page.wait_for_url("**/login?redirect=/create")
    expect(page.get_by_test_id("session-expired")).to_contain_text("your password was changed")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password", exact=True).fill("erin-new-password-1")
    page.get_by_test_id("sign-in").click()
    page.wait_for_url("**/create")
