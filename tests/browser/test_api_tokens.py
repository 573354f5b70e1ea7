"""Personal API tokens in the web UI: made in Settings, shown once, working against the API, revoked at once."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, USER_PASSWORD, shot, sign_in

pytestmark = pytest.mark.browser


def me(base_url: str, secret: str) -> httpx.Response:
    return httpx.get(f"{base_url}/api/auth/me", headers={"Authorization": f"Bearer {secret}"}, timeout=30)


def make_token(page, name: str, access: str, expiry: str, screenshot: str | None = None) -> str:  # noqa: ANN001
    """Fill the "New token" dialog and return the secret it reveals."""
    page.get_by_test_id("new-token").click()
    page.get_by_test_id("token-name").locator("input").fill(name)
    page.get_by_test_id(f"token-access-{access}").click()
    page.get_by_test_id("token-expiry").click()
    page.get_by_role("option", name=expiry, exact=True).click()
    if screenshot:
        expect(page.get_by_role("listbox")).to_have_count(0)
        shot(page, screenshot)
    page.get_by_test_id("token-create").click()
    expect(page.get_by_test_id("token-reveal")).to_be_visible()
    expect(page.get_by_test_id("token-reveal")).to_contain_text("won't see it again")
    return page.get_by_test_id("token-secret").inner_text().strip()


def test_token_made_in_settings_works_until_revoked(new_page, api, live) -> None:  # noqa: ANN001
    # A user of this test's own, so the list starts empty whatever ran before.
    made = api.call("admin", "POST", "/api/admin/users", json={"username": "dana", "password": USER_PASSWORD})
    assert made.status_code == 200, made.text
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, "dana", USER_PASSWORD, path="/settings")
    section = page.get_by_test_id("api-tokens")
    expect(section.get_by_test_id("tokens-empty")).to_contain_text("MCP")

    secret = make_token(page, "Claude Desktop", "write", "30 days")
    assert secret.startswith("s2p_"), secret
    # The copy button puts exactly the secret on the clipboard.
    page.get_by_test_id("copy-secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    # The MCP snippet points at this server with this token, ready to paste.
    config = json.loads(page.get_by_test_id("token-mcp-config").inner_text())
    assert config["mcpServers"]["sora2"] == {"type": "http", "url": f"{live.url}/mcp",
                                             "headers": {"Authorization": f"Bearer {secret}"}}
    # Claude Desktop runs `sora2 mcp` locally, which takes the server and token from its environment.
    page.get_by_test_id("mcp-client").click()
    page.get_by_role("option", name="Claude Desktop").click()
    desktop = json.loads(page.get_by_test_id("token-mcp-config").inner_text())
    assert desktop["mcpServers"]["sora2"]["env"] == {"SORA2_URL": live.url, "SORA2_TOKEN": secret}
    page.get_by_test_id("mcp-client").click()
    page.get_by_role("option", name="Claude Code").click()
    expect(page.get_by_test_id("token-mcp-config")).to_contain_text('"type": "http"')
    expect(page.get_by_test_id("token-reveal")).to_contain_text(f"sora2 login {live.url}")
    shot(page, "settings-api-token-reveal")

    # The token is a real credential for the REST API.
    answer = me(live.url, secret)
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["username"] == "dana"

    page.get_by_test_id("token-done").click()
    expect(page.get_by_test_id("token-dialog")).to_have_count(0)
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    row = section.locator('[data-token-name="Claude Desktop"]')
    expect(row).to_contain_text(secret[:12])
    expect(row).to_contain_text("write")
    expect(row).to_contain_text("Expires in 30 days")
    # A second token, made by a script through the API; the list shows both after a reload. It comes from the
    # server, which saw the first token used, and holds no secret.
    api.login("dana", USER_PASSWORD)
    other = api.call("dana", "POST", "/api/tokens",
                     json={"name": "nightly backup", "scopes": ["read"], "expires_in_days": 90})
    assert other.status_code == 201, other.text
    page.reload()
    expect(section.locator('[data-token-name="nightly backup"]')).to_contain_text("Never used")
    expect(row.get_by_test_id("token-last-used")).to_contain_text("Last used")
    assert secret not in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section#api-tokens").screenshot(path=str(SCREENSHOTS / "settings-api-tokens.png"))

    row.get_by_role("button", name="Revoke Claude Desktop").click()
    expect(page.get_by_test_id("revoke-dialog")).to_contain_text("stops working at once")
    page.get_by_test_id("revoke-confirm").click()
    expect(page.get_by_test_id("snackbar")).to_contain_text("Revoked", timeout=10_000)
    expect(row).to_have_count(0)
    refused = me(live.url, secret)
    assert refused.status_code == 401, refused.text
    # Only that one: the other token still works.
    assert me(live.url, other.json()["token"]).status_code == 200


def test_read_only_token_on_a_phone_in_the_light_theme(new_page, api, live) -> None:  # noqa: ANN001
    page = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(page, "bob", USER_PASSWORD, path="/settings")
    page.get_by_test_id("theme-light").click()
    secret = make_token(page, "phone script", "read", "7 days", screenshot="phone-api-token-new")
    # Nothing is wider than the screen, not even the long secret and snippets.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    dialog = page.get_by_test_id("token-dialog").bounding_box()
    assert dialog["x"] >= 0 and dialog["x"] + dialog["width"] <= 360, dialog
    shot(page, "phone-api-token-reveal")
    page.get_by_test_id("token-done").click()
    row = page.locator('[data-token-name="phone script"]')
    expect(row).to_contain_text("Expires in 7 days")
    expect(row).not_to_contain_text("write")

    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{live.url}/api/videos", headers=headers, timeout=30).status_code == 200
    made = httpx.post(f"{live.url}/api/videos", headers=headers, json={"prompt": "Not allowed", "seconds": "4"},
                      timeout=30)
    assert made.status_code == 403, made.text


def test_admin_sees_and_revokes_a_users_token(new_page, api, live) -> None:  # noqa: ANN001
    created = api.call("bob", "POST", "/api/tokens", json={"name": "bob's laptop", "scopes": ["read"]})
    assert created.status_code == 201, created.text
    secret = created.json()["token"]

    page = new_page()
    sign_in(page, path="/admin/users")
    page.locator('tr[data-username="bob"]').get_by_role("button", name="API tokens of bob").click()
    tokens = page.get_by_test_id("admin-tokens")
    row = tokens.locator("[data-token-name=\"bob's laptop\"]")
    expect(row).to_contain_text("bob")
    expect(row).to_contain_text("Never used")
    shot(page, "admin-api-tokens")
    row.get_by_role("button", name="Revoke bob's laptop of bob").click()
    page.get_by_test_id("revoke-confirm").click()
    expect(page.get_by_test_id("snackbar")).to_contain_text("Revoked", timeout=10_000)
    expect(row).to_have_count(0)
    assert me(live.url, secret).status_code == 401
    remaining = api.call("admin", "GET", "/api/admin/tokens").json()["tokens"]
    assert all(t["name"] != "bob's laptop" for t in remaining)
