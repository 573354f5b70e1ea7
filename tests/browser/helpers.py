"""Setting up a browser test's world through the API: fresh users, finished videos; typing into dialogs."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Locator, expect

from tests.browser.conftest import Api

PASSWORD = "library-pass-123"


def autofocused(field: Locator) -> Locator:
    """The field once Vuetify's autofocus has landed on it (50 ms after it is seen): keys typed into another field of
    the dialog before that may land here instead (under CI load a password went into the username)."""
    expect(field).to_be_focused()
    return field


def fresh_user(api: Api, prefix: str, role: str = "user") -> str:
    """A new user with an empty library, signed in on the API side; returns the username."""
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    made = api.call("admin", "POST", "/api/admin/users", json={"username": name, "password": PASSWORD,
                                                                 "role": role})
    assert made.status_code == 200, made.text
    api.login(name, PASSWORD)
    return name


def make_video(api: Api, user: str, prompt: str, **fields) -> str:  # noqa: ANN003
    made = api.call(user, "POST", "/api/videos", json={"prompt": prompt, "seconds": "4", **fields})
    assert made.status_code == 200, made.text
    return made.json()["id"]


def wait_done(api: Api, user: str, video_id: str, timeout: float = 40) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = api.call(user, "GET", f"/api/videos/{video_id}").json()
        if video["status"] == "completed" and video["download_state"] == "done":
            return video
        assert video["status"] != "failed", video
        time.sleep(0.3)
    raise AssertionError(f"video {video_id} did not finish")


def card(page, video_id: str):  # noqa: ANN001, ANN201
    return page.locator(f'[data-testid="video-card"][data-video-id="{video_id}"]')
