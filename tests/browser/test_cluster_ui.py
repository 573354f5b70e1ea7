"""The web UI through nginx round-robin over two instances with no shared disk: its Socket.IO connection
(WebSocket first) stays up without sticky sessions, a video finishes live on the card, and its thumbnail comes
from the S3 store through the redirect."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DIST_INDEX, shot, sign_in
from tests.fixtures.cluster import Cluster, start_cluster
from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not DIST_INDEX.exists():
        pytest.fail("The web UI is not built: run `make ui`.")
    with ExitStack() as stack:
        try:
            running = stack.enter_context(start_cluster(tmp_path_factory.mktemp("cluster-ui"), job_seconds=3.0))
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield running


def test_the_web_ui_through_round_robin(browser, cluster: Cluster) -> None:  # noqa: ANN001
    context = browser.new_context(base_url=cluster.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page)
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected", timeout=10_000)
        token = httpx.post(f"{cluster.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                           timeout=10).json()["token"]
        video = httpx.post(f"{cluster.url}/api/videos", json={"prompt": "made elsewhere", "seconds": "4"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        card = page.locator(f'[data-testid="video-card"][data-video-id="{video["id"]}"]')
        # No reload: the card learns of the video and its completion over the socket, from either instance.
        expect(card).to_have_attribute("data-status", "completed", timeout=60_000)
        thumbnail = card.locator("img").first
        expect(thumbnail).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected")
        shot(page, "cluster-library")
    finally:
        context.close()
    # nginx logs a WebSocket when it closes: the page's, now that its context is gone.
    deadline = time.monotonic() + 10
    while not (upgrades := [line for line in cluster.nginx.access_log.read_text().splitlines()
                            if line.startswith("GET /socket.io/ 101 ")]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert upgrades, "the page never opened a WebSocket"
    polls = [line for line in cluster.nginx.access_log.read_text().splitlines()
             if line.startswith(("GET /socket.io/ 200", "POST /socket.io/"))]
    assert polls == []  # WebSocket first: no long-polling request that round-robin could send elsewhere
