"""Running it for a team, in the browser: the admin dashboard (charts drawn from real spend, the ledger as a CSV
download), budgets set in the UI and refusals shown where a user creates, and webhooks managed in Settings with
a delivery log and "resend". Its own server with a priced provider (the standalone emulator behind the
OpenAI-shaped adapter), so money is real in the figures."""

from __future__ import annotations

import csv
import threading
import time
from datetime import UTC, datetime, timedelta
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in
from tests.browser.helpers import autofocused
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.multi_instance.conftest import EmulatorProcess

pytestmark = pytest.mark.browser
PASSWORD = "erin-password-123"


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[LiveServer]:  # noqa: F811  (this module's server: a priced provider)
    root = tmp_path_factory.mktemp("teams")
    (root / "emulator").mkdir()
    emulator = EmulatorProcess(root / "emulator").start()
    server = LiveServer(root / "data", env_overrides={
        "SORA2_OPENAI_BASE_URL": emulator.base_url, "SORA2_OPENAI_API_KEY": emulator.api_key,
        "SORA2_WEBHOOKS_ALLOW_PRIVATE_URLS": "true", "SORA2_WEBHOOKS_RETRY_SCHEDULE": "[1, 1]"})
    try:
        yield server.start()
    finally:
        server.stop()
        emulator.stop()


class Api:
    def __init__(self, url: str) -> None:
        self.url, self.tokens = url, {}

    def login(self, username: str, password: str) -> None:
        response = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": password})
        self.tokens[username] = response.raise_for_status().json()["token"]

    def __call__(self, username: str, method: str, path: str, **kwargs) -> httpx.Response:  # noqa: ANN003
        return httpx.request(method, f"{self.url}{path}", timeout=30,
                             headers={"Authorization": f"Bearer {self.tokens[username]}"}, **kwargs)

    def wait_done(self, username: str, video_id: str) -> dict:
        for _ in range(200):
            video = self(username, "GET", f"/api/videos/{video_id}").json()
            if video["status"] in ("completed", "failed") and video["download_state"] != "pending":
                return video
            time.sleep(0.2)
        raise AssertionError(f"video {video_id} did not finish")


@pytest.fixture(scope="module")
def team(live: LiveServer) -> Api:
    """erin made three 4 s sora-2 videos ($0.40 each) under a $1.50 budget: 80 % used, admins were told."""
    api = Api(live.url)
    api.login("admin", ADMIN_PASSWORD)
    api("admin", "POST", "/api/admin/users", json={"username": "erin", "password": PASSWORD}).raise_for_status()
    api.login("erin", PASSWORD)
    erin_id = api("erin", "GET", "/api/auth/me").json()["user"]["id"]
    api("admin", "PUT", f"/api/admin/users/{erin_id}/budget", json={"amount": 1.5}).raise_for_status()
    videos = [api("erin", "POST", "/api/videos", json={"prompt": f"a lighthouse, take {i}", "model": "sora-2",
                                                         "seconds": "4"}).raise_for_status().json()
              for i in range(3)]
    for video in videos:
        api.wait_done("erin", video["id"])
    return api


def painted_pixels(page, testid: str) -> int:  # noqa: ANN001
    """How many pixels of the chart's canvas are drawn on (0 for an empty canvas)."""
    return page.get_by_test_id(testid).locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n }")


def test_the_dashboard_draws_spend_and_exports_the_ledger(new_page, team, tmp_path) -> None:  # noqa: ANN001
    page = new_page(width=1400, height=1000)
    sign_in(page, path="/admin/dashboard")
    expect(page.get_by_test_id("usage-totals")).to_contain_text("$1.20 on 3 videos")
    for chart in ("chart-day", "chart-user", "chart-provider", "chart-model"):
        expect(page.get_by_test_id(chart).locator("canvas")).to_be_visible()
        assert painted_pixels(page, chart) > 1000, chart
    expect(page.get_by_test_id("job-health")).to_contain_text("completed 3")
    expect(page.get_by_test_id("storage")).to_contain_text("erin")
    expect(page.get_by_test_id("budget-notice")).to_contain_text("erin has used 80")
    shot(page, "admin-dashboard", full_page=True)
    page.get_by_test_id("period-7").click()
    week_ago = (datetime.now(UTC).date() - timedelta(days=6)).isoformat()
    expect(page.get_by_test_id("usage-totals")).to_contain_text(f"{week_ago} to ")
    expect(page.get_by_test_id("period-start").locator("input")).to_have_value(week_ago)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.open()))
    assert [(r["user"], r["provider"], r["model"], r["seconds"], r["estimate_usd"], r["status"]) for r in rows] == [
        ("erin", "openai", "sora-2", "4", "0.40", "completed")] * 3

    page.locator('[data-budget="erin"]').get_by_test_id("videos-of-erin").click()
    expect(page.get_by_test_id("admin-user-videos").locator("[data-video]")).to_have_count(3)
    expect(page.get_by_role("heading", name="Videos of erin")).to_be_visible()
    shot(page, "admin-user-videos")


def test_a_budget_set_in_the_ui_refuses_a_create_with_a_clear_message(new_page, team) -> None:  # noqa: ANN001
    admin = new_page()
    sign_in(admin, path="/admin/dashboard")
    admin.get_by_test_id("edit-budget-erin").click()
    admin.get_by_test_id("budget-amount").locator("input").fill("1.3")
    shot(admin, "budget-dialog")
    admin.get_by_test_id("budget-save").click()
    expect(admin.locator('[data-budget="erin"]')).to_contain_text("$1.20 of $1.30 monthly")

    page = new_page()
    sign_in(page, "erin", PASSWORD, path="/create")
    page.get_by_label("Prompt").fill("one lighthouse too many")
    page.get_by_test_id("duration-4").click()
    page.get_by_test_id("submit-create").click()
    expect(page.get_by_text("Budget exceeded: This video is estimated at $0.40, but only $0.10")).to_be_visible()
    shot(page, "create-budget-refused")
    page.goto("/settings")
    expect(page.get_by_test_id("my-budget")).to_contain_text("$0.10 left of $1.30")
    shot(page, "settings-budget")


def _receiver() -> tuple[ThreadingHTTPServer, list[dict]]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            received.append(dict(self.headers))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_webhooks_are_managed_in_settings_with_a_delivery_log_and_resend(new_page, team) -> None:  # noqa: ANN001
    server, received = _receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks/sora2"
    try:
        page = new_page()
        sign_in(page, "erin", PASSWORD, path="/settings")
        page.get_by_test_id("add-webhook").click()
        autofocused(page.get_by_test_id("webhook-url").locator("input")).fill(url)
        page.get_by_test_id("webhook-description").locator("input").fill("Team chat bot")
        page.get_by_test_id("event-video.cancelled").locator("input").uncheck()
        shot(page, "webhook-dialog")
        page.get_by_test_id("webhook-save").click()
        card = page.locator(f'[data-endpoint="{url}"]')
        expect(card).to_contain_text("video.completed, video.failed")
        expect(card.get_by_test_id("webhook-secret")).to_contain_text("whsec_")

        team("admin", "PUT", "/api/admin/users/" + team("erin", "GET", "/api/auth/me").json()["user"]["id"]
             + "/budget", json={"amount": 10}).raise_for_status()
        video = team("erin", "POST", "/api/videos", json={"prompt": "a kite", "model": "sora-2", "seconds": "4"})
        team.wait_done("erin", video.raise_for_status().json()["id"])
        for _ in range(100):
            if received:
                break
            time.sleep(0.1)
        assert len(received) == 1

        card.get_by_test_id("webhook-log").click()
        log = page.get_by_test_id("delivery-log")
        expect(log.get_by_test_id("delivery-state")).to_have_text("delivered")
        expect(log).to_contain_text(received[0]["webhook-id"])
        log.get_by_test_id("resend").click()
        for _ in range(100):
            if len(received) == 2:
                break
            time.sleep(0.1)
        assert [r["webhook-id"] for r in received] == [received[0]["webhook-id"]] * 2
        log.get_by_test_id("delivery-refresh").click()
        expect(log).to_contain_text("resent")
        shot(page, "webhook-delivery-log")

        page.get_by_role("button", name="Close").click()
        card.get_by_test_id("webhook-remove").click()
        expect(page.locator(f'[data-endpoint="{url}"]')).to_have_count(0)
    finally:
        server.shutdown()
