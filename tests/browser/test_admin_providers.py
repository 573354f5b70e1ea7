"""The admin page for providers, in Chromium: a gateway added with its key checked first, shown with its models,
offered in the Create form at once, disabled and removed again; keys never come back to the browser."""

from __future__ import annotations

from tests.browser.conftest import shot, sign_in


def test_admin_adds_checks_and_removes_a_gateway(new_page, api, live) -> None:  # noqa: ANN001
    key = live.emulator_headers()["Authorization"].removeprefix("Bearer ")
    page = new_page()
    sign_in(page, path="/admin/providers")
    page.get_by_test_id("provider-emulator").wait_for()
    try:
        page.get_by_test_id("add-provider").click()
        dialog = page.get_by_test_id("provider-dialog")
        dialog.get_by_test_id("provider-name").get_by_role("textbox").fill("Studio gateway")
        dialog.get_by_test_id("provider-url").get_by_role("textbox").fill(f"{live.url}/emulator/v1")
        dialog.get_by_test_id("provider-key").get_by_role("textbox").fill(key)
        dialog.get_by_test_id("provider-check").click()
        dialog.get_by_test_id("provider-check-ok").wait_for()
        assert "veo-3.1" in dialog.get_by_test_id("provider-check-models").inner_text()
        dialog.get_by_test_id("provider-save").click()
        card = page.get_by_test_id("provider-studio-gateway")
        card.wait_for()
        assert "4 models" in card.inner_text() and key not in page.content()
        shot(page, "admin-providers", full_page=True)

        page.goto("/create")
        page.get_by_test_id("provider-select").click()
        page.get_by_role("option", name="Studio gateway").wait_for()
        page.keyboard.press("Escape")

        page.goto("/admin/providers")
        page.get_by_test_id("enabled-studio-gateway").get_by_role("checkbox").uncheck()
        page.get_by_text("Studio gateway disabled.").wait_for()
        listed = api.call("admin", "GET", "/api/providers").json()
        assert "studio-gateway" not in [p["id"] for p in listed["providers"]]
    finally:
        api.call("admin", "DELETE", "/api/admin/providers/studio-gateway")
