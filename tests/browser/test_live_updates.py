"""The served page's own Socket.IO connection works with the default settings (no CORS configuration)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DIST_INDEX, sign_in
from tests.fixtures.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def default_server(tmp_path) -> Iterator[LiveServer]:  # noqa: ANN001
    if not DIST_INDEX.exists():
        pytest.fail("The web UI is not built: run `make ui`.")
    server = LiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def test_served_page_connects_to_live_updates_same_origin(browser, default_server: LiveServer) -> None:  # noqa: ANN001
    context = browser.new_context(base_url=default_server.url)
    try:
        page = context.new_page()
        sign_in(page)
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected", timeout=8_000)
    finally:
        context.close()
