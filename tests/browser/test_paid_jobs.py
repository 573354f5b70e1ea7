"""Cancel, retry, edit & retry, and the "may have been charged" card, in real Chromium against real servers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import doc_shot, sign_in
from tests.browser.helpers import PASSWORD, card, fresh_user, make_video
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.fixtures.services import EmulatorProcess

pytestmark = pytest.mark.browser


def emulator_stats(live: LiveServer) -> dict:
    return httpx.get(f"{live.url}/emulator/_emulator/stats", headers=live.emulator_headers(), timeout=10).json()


def knobs(live: LiveServer, **values: object) -> None:
    httpx.post(f"{live.url}/emulator/_emulator/faults", json=values, headers=live.emulator_headers(),
               timeout=10).raise_for_status()


def wait_state(api, user: str, video_id: str, state: str, timeout: float = 40) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = api.call(user, "GET", f"/api/videos/{video_id}").json()
        if video["state"] == state:
            return video
        time.sleep(0.2)
    raise AssertionError(f"video {video_id} never became {state}: {video}")


def test_cancel_a_running_video(new_page, api, live) -> None:  # noqa: ANN001
    user = fresh_user(api, "cancel")
    knobs(live, job_seconds=60)
    try:
        video = make_video(api, user, "a slow sunrise")
        wait_state(api, user, video, "in_progress")
        deleted = emulator_stats(live)["jobs_deleted"]
        page = new_page()
        sign_in(page, user, PASSWORD)
        target = card(page, video)
        target.get_by_test_id("card-menu").click()
        page.get_by_test_id("action-cancel").click()
        dialog = page.get_by_test_id("cancel-dialog")
        expect(dialog).to_contain_text("simulated by the emulator")
        dialog.get_by_test_id("confirm-cancel").click()
        expect(target).to_have_attribute("data-state", "cancelled")
        expect(target.get_by_test_id("status-chip")).to_have_text("Cancelled")
        expect(target.get_by_test_id("error-text")).to_contain_text("Cancelled")
        expect(target.get_by_test_id("retry")).to_be_visible()  # what was cancelled can be made again
    finally:
        knobs(live, job_seconds=None)
    assert wait_state(api, user, video, "cancelled")["status"] == "failed"  # the original's clients see failed
    deadline = time.monotonic() + 20
    while emulator_stats(live)["jobs_deleted"] == deleted and time.monotonic() < deadline:
        time.sleep(0.2)  # the emulator has no cancel call: the tracker deletes the job there, which stops it
    assert emulator_stats(live)["jobs_deleted"] == deleted + 1


def test_retry_and_edit_and_retry_a_failed_video(new_page, api, live) -> None:  # noqa: ANN001
    user = fresh_user(api, "retry")
    knobs(live, fail_rate=1.0)
    try:
        failed = wait_state(api, user, make_video(api, user, "a red kite"), "failed")
    finally:
        knobs(live, fail_rate=0.0)
    page = new_page()
    sign_in(page, user, PASSWORD)
    target = card(page, failed["id"])
    target.get_by_test_id("retry").click()
    dialog = page.get_by_test_id("retry-dialog")
    expect(dialog.get_by_test_id("retry-estimate")).to_contain_text("it will cost nothing")
    expect(dialog.get_by_test_id("confirm-retry")).to_be_enabled()
    page.wait_for_timeout(400)  # the dialog's fade-in, for the picture
    doc_shot(page, "retry-dialog")
    with page.expect_response(lambda r: r.url.endswith(f"/api/videos/{failed['id']}/retry")) as answered:
        dialog.get_by_test_id("confirm-retry").click()
    again = answered.value.json()
    assert answered.value.request.headers.get("idempotency-key") and again["retry_of"] == failed["id"]
    expect(card(page, again["id"])).to_be_visible()
    assert wait_state(api, user, again["id"], "completed")["prompt"] == "a red kite"

    target.get_by_test_id("card-menu").click()
    page.get_by_test_id("action-edit-retry").click()
    dialog = page.get_by_test_id("retry-dialog")
    dialog.get_by_test_id("retry-prompt").locator("textarea").fill("a red kite at dusk")
    with page.expect_response(lambda r: r.url.endswith(f"/api/videos/{failed['id']}/retry")) as answered:
        dialog.get_by_test_id("confirm-retry").click()
    edited = answered.value.json()
    assert edited["prompt"] == "a red kite at dusk" and edited["retry_of"] == failed["id"]
    expect(card(page, edited["id"])).to_contain_text("a red kite at dusk")


@pytest.fixture
def lossy_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose provider makes each job but loses the answer, and whose job list is down: every create
    ends unconfirmed ("may have been charged") within seconds."""
    (tmp_path / "emulator").mkdir()
    emulator = EmulatorProcess(tmp_path / "emulator").start()
    server = LiveServer(tmp_path / "data", env_overrides={
        "SORA2_OPENAI_BASE_URL": emulator.base_url, "SORA2_OPENAI_API_KEY": emulator.api_key,
        "SORA2_OPENAI_IDEMPOTENT_CREATE": "false"})
    httpx.post(f"{emulator.base_url}/_emulator/faults", headers={"Authorization": f"Bearer {emulator.api_key}"},
               json={"lost_response_rate": 1.0, "honour_idempotency": False, "error_rate": 1.0,
                     "error_kinds": ["500"], "operations": ["list"]}, timeout=10).raise_for_status()
    try:
        yield server.start()
    finally:
        server.stop()
        emulator.stop()


def test_a_video_that_may_have_been_charged_offers_resubmit_and_dismiss(browser, lossy_server) -> None:  # noqa: ANN001
    headers = {"Authorization": "Bearer " + httpx.post(f"{lossy_server.url}/api/auth/login", json={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["token"]}
    made = [httpx.post(f"{lossy_server.url}/api/videos", json={"prompt": f"a lost answer {i}", "seconds": "4"},
                       headers=headers, timeout=10).json() for i in range(2)]
    context = browser.new_context(base_url=lossy_server.url, viewport={"width": 1280, "height": 860})
    try:
        page = context.new_page()
        sign_in(page)
        first, second = (card(page, video["id"]) for video in made)
        for target in (first, second):
            expect(target).to_have_attribute("data-state", "unconfirmed", timeout=40_000)
        notice = first.get_by_test_id("unconfirmed-notice")
        expect(notice).to_contain_text("may have been charged")
        expect(first.get_by_test_id("status-chip")).to_have_text("May have been charged")
        doc_shot(page, "may-have-been-charged")

        second.get_by_test_id("dismiss").click()
        expect(second).to_have_attribute("data-state", "failed")
        expect(second.get_by_test_id("error-text")).to_contain_text("not resubmitted")

        first.get_by_test_id("resubmit").click()
        dialog = page.get_by_test_id("retry-dialog")
        expect(dialog).to_contain_text("Resubmit this video?")
        expect(dialog.get_by_test_id("retry-estimate")).to_contain_text(re.compile(r"about \$\d+\.\d\d"))
        with page.expect_response(lambda r: r.url.endswith(f"/api/videos/{made[0]['id']}/retry")) as answered:
            dialog.get_by_test_id("confirm-retry").click()
        assert answered.value.json()["retry_of"] == made[0]["id"]
        expect(first).to_have_attribute("data-state", "failed")  # resubmitted: its owner has decided
        admin_list = httpx.get(f"{lossy_server.url}/api/admin/videos/unconfirmed", headers=headers).json()
        assert admin_list["videos"] == []
    finally:
        context.close()
