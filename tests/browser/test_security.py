"""The UI under the server's Content-Security-Policy, failed sign-ins shown to the account's owner, and the audit
log page for admins (filters, export)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import is_csp_violation, shot, sign_in

pytestmark = pytest.mark.browser
FRANK_PASSWORD = "frank-password-42"


def test_every_page_renders_under_the_csp_and_the_csp_is_enforced(browser, live, api) -> None:  # noqa: ANN001
    # A page of its own (not new_page, which fails any test that sees a violation): this one provokes one.
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: is_csp_violation(message) and violations.append(message.text))
    response = page.goto("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "frame-ancestors 'none'" in csp
    sign_in(page)
    for path, ready in (("/", "library-summary"), ("/create", "create-form"), ("/settings", "change-password"),
                        ("/admin/users", "add-user"), ("/admin/audit", "audit-page")):
        page.goto(path)
        expect(page.get_by_test_id(ready)).to_be_visible()
    assert page.evaluate("document.documentElement.style.background") != ""  # the inline theme script ran
    assert violations == []
    # The check above can fail: an injected inline script is refused, and Chromium says so.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
                             document.head.append(s) }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None and violations, violations
    context.close()


def test_failed_sign_ins_are_shown_to_the_owner(new_page, api) -> None:  # noqa: ANN001
    made = api.call("admin", "POST", "/api/admin/users", json={"username": "frank", "password": FRANK_PASSWORD})
    assert made.status_code == 200, made.text
    for guess in ("frank-guess-1", "frank-guess-2"):
        assert httpx.post(f"{api.base_url}/api/auth/login",
                          json={"username": "frank", "password": guess}).status_code == 401
    page = new_page()
    sign_in(page, "frank", FRANK_PASSWORD)
    expect(page.get_by_test_id("snackbar")).to_contain_text("2 failed sign-in attempts")
    page.get_by_role("button", name="Review").click()
    page.wait_for_url("**/settings#sign-in-activity")
    activity = page.get_by_test_id("sign-in-activity")
    expect(activity.get_by_test_id("failed-sign-ins")).to_contain_text("2 failed sign-in attempts")
    expect(activity.locator('tr[data-action="auth.sign_in_failed"]')).to_have_count(2)


def test_admins_read_filter_and_export_the_audit_log(new_page, api) -> None:  # noqa: ANN001
    api.call("admin", "POST", "/api/admin/users", json={"username": "gina", "password": "gina-password-42"})
    gina = [u for u in api.call("admin", "GET", "/api/admin/users").json()["users"] if u["username"] == "gina"][0]
    assert api.call("admin", "PATCH", f"/api/admin/users/{gina['id']}", json={"disabled": True}).is_success
    httpx.post(f"{api.base_url}/api/auth/login", json={"username": "gina", "password": "gina-password-42"})
    page = new_page(width=1360, height=900)
    sign_in(page, path="/admin/users")
    page.get_by_test_id("audit-link").click()
    page.wait_for_url("**/admin/audit")
    rows = page.get_by_test_id("audit-row")
    expect(rows.first).to_be_visible()
    page.get_by_test_id("audit-user").locator("input").fill("gina")
    page.get_by_test_id("audit-apply").click()
    expect(page.locator('[data-testid="audit-row"][data-action="user.disabled"]')).to_have_count(1)
    expect(page.locator('[data-testid="audit-row"][data-action="auth.sign_in_failed"]')).to_contain_text("disabled")
    expect(rows).to_have_count(3)  # created, disabled, and the refused sign-in
    shot(page, "admin-audit")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [row["action"] for row in exported] == ["auth.sign_in_failed", "user.disabled", "user.created"]
    assert download.value.suggested_filename.startswith("audit-")
