"""Browser tests: a real `sora2 serve` process with the emulator, driven by Debian's Chromium through Playwright.

Run with `make test-browser` (builds the UI first) or `pytest -m browser`. Screenshots go to
test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

ROOT = Path(__file__).resolve().parents[2]
DIST_INDEX = ROOT / "src" / "sora2" / "web" / "dist" / "index.html"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("SORA2_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
USER_PASSWORD = "bob-password-123"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the whole browser session; each test signs in fresh and makes its own videos."""
    if not DIST_INDEX.exists():
        pytest.fail("The web UI is not built: run `make ui` (or `cd frontend && npm ci && npm run build`).")
    server = LiveServer(tmp_path_factory.mktemp("browser") / "data")
    server.env_overrides.update({
        "SORA2_EMULATOR_JOB_SECONDS": "3",
        "SORA2_EMULATOR_FPS": "12",
        "SORA2_POLL_MIN_SECONDS": "0.2",
    })
    server.start()
    yield server
    server.stop()


@dataclass
class Api:
    """Direct API calls for setting up a test's world and checking what the UI did."""

    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, username: str, password: str) -> str:
        response = httpx.post(f"{self.base_url}/api/auth/login", json={"username": username, "password": password})
        response.raise_for_status()
        self.tokens[username] = response.json()["token"]
        return self.tokens[username]

    def call(self, username: str, method: str, path: str, **kwargs) -> httpx.Response:  # noqa: ANN003
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        return httpx.request(method, f"{self.base_url}{path}", headers=headers, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def api(live: LiveServer) -> Api:
    client = Api(live.url)
    client.login("admin", ADMIN_PASSWORD)
    created = client.call("admin", "POST", "/api/admin/users",
                          json={"username": "bob", "password": USER_PASSWORD, "role": "user"})
    assert created.status_code == 200, created.text
    client.login("bob", USER_PASSWORD)
    return client


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        # A failure, not a skip: the browser suite is part of `make test`, which installs Chromium.
        pytest.fail("Chromium is not installed (apt-get install -y chromium, or `make chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageErrors(list):
    """Uncaught exceptions in the page: any of them fails the test."""


def is_csp_violation(message) -> bool:  # noqa: ANN001
    """Chromium reports every Content-Security-Policy refusal as a console error."""
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def new_page(browser, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Callable]:  # noqa: ANN001
    contexts = []
    errors = PageErrors()

    def make(width: int = 1280, height: int = 860, **options):  # noqa: ANN003, ANN202
        context = browser.new_context(base_url=live.url, viewport={"width": width, "height": height},
                                      accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The server's CSP must let the built UI do everything it does: any refusal fails the test.
        page.on("console", lambda message: is_csp_violation(message) and errors.append(f"CSP: {message.text}"))
        return page

    yield make
    if request.node.stash.get(FAILED, False):
        # What the page showed when the test failed, next to the other screenshots.
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                shot(page, f"FAILED-{request.node.name}-{index}-{number}", full_page=True)
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


def sign_in(page, username: str = "admin", password: str = ADMIN_PASSWORD, path: str = "/") -> None:  # noqa: ANN001
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_test_id("sign-in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def shot(page, name: str, full_page: bool = False) -> Path:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def doc_shot(page, name: str) -> None:  # noqa: ANN001
    """A screenshot (test-artifacts/screenshots); with SORA2_DOC_SCREENSHOTS=1 also into docs/screenshots, to refresh
    the documentation's pictures from the real pages."""
    path = shot(page, name)
    if os.environ.get("SORA2_DOC_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / f"{name}.png")
