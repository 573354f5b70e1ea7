"""The main journey: sign in, create with and without an image, watch progress, play, remix, delete."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def reference_png(tmp_path) -> str:  # noqa: ANN001
    """A portrait image with a clear pattern, so the crop/pad preview is visible in screenshots."""
    image = Image.new("RGB", (600, 900), (30, 60, 160))
    for y in range(0, 900, 60):
        for x in range(0, 600, 60):
            if (x + y) // 60 % 2:
                image.paste((240, 180, 40), (x, y, x + 60, y + 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path = tmp_path / "reference.png"
    path.write_bytes(buffer.getvalue())
    return str(path)


def create_video(page, prompt: str, image: str | None = None, fit: str = "pad") -> str:  # noqa: ANN001
    page.get_by_role("link", name="Create").first.click()
    page.wait_for_url("**/create")
    page.get_by_label("Prompt", exact=True).fill(prompt)
    page.get_by_test_id("duration-4").click()
    if image:
        page.get_by_test_id("image-input").set_input_files(image)
        expect(page.get_by_test_id("image-preview")).to_be_visible()
        page.get_by_test_id(f"fit-{fit}").click()
    expect(page.get_by_test_id("cost-estimate")).to_have_text(re.compile(r"^\$\d+\.\d\d$"))
    if image:
        shot(page, "create-with-image")
    with page.expect_response(lambda r: r.url.endswith("/api/videos") and r.request.method == "POST") as created:
        page.get_by_test_id("submit-create").click()
    response = created.value
    assert response.ok, response.text()
    assert response.request.headers.get("idempotency-key")
    page.wait_for_url(re.compile(r"/#video-"))
    return response.json()["id"]


def card(page, video_id: str):  # noqa: ANN001, ANN201
    return page.locator(f'[data-testid="video-card"][data-video-id="{video_id}"]')


def watch_progress(page, video_id: str, timeout: float = 40) -> list[int]:  # noqa: ANN001
    """Progress values seen on the card's bar until the card says completed (read without reloading)."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    target = card(page, video_id)
    while time.monotonic() < deadline:
        # One atomic read: the bar disappears the moment the card completes.
        status, value = target.evaluate(
            "el => [el.dataset.status, el.querySelector('[data-testid=progress]')?.dataset.progress ?? null]")
        if status == "completed":
            return seen
        assert status != "failed", target.inner_text()
        if value is not None:
            if not seen or seen[-1] != int(value):
                seen.append(int(value))
                if len(seen) == 2:
                    shot(page, "library-progress")
        time.sleep(0.1)
    raise AssertionError(f"video {video_id} did not complete; progress seen: {seen}")


def test_create_watch_play_remix_delete(new_page, api, tmp_path) -> None:  # noqa: ANN001
    page = new_page()
    sign_in(page)
    expect(page.get_by_test_id("emulator-badge")).to_be_visible()
    # Live updates: the page's own Socket.IO connection (same origin, token in the auth payload).
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected")

    # Without an image: the card appears at once, its bar moves live, then the thumbnail shows.
    video_id = create_video(page, "A paper boat drifting down a rainy street at dusk")
    progress = watch_progress(page, video_id)
    assert len(set(progress)) >= 2, f"the progress bar did not move: {progress}"
    assert progress == sorted(progress), progress
    done = card(page, video_id)
    expect(done.get_by_test_id("status-chip")).to_have_text("Ready")
    thumbnail = done.locator("img")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert "token" not in (thumbnail.get_attribute("src") or "")
    assert "sig=" in (thumbnail.get_attribute("src") or "")
    # Hovering scrubs through the sprite sheet.
    done.hover()
    box = done.locator("img").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    expect(done.get_by_test_id("sprite-scrub")).to_be_visible()
    shot(page, "library")

    # With an image (cropped to the target size on the server).
    image_video = create_video(page, "The checkerboard comes alive and folds into a paper crane", reference_png(tmp_path),
                               fit="crop")
    watch_progress(page, image_video)
    record = api.call("admin", "GET", f"/api/videos/{image_video}").json()
    assert record["has_input_reference"] is True

    # Play: the player opens as a dialog with its own URL; the video plays through ranged requests.
    card(page, video_id).get_by_test_id("play").first.click()
    page.wait_for_url(f"**/videos/{video_id}")
    player = page.get_by_test_id("video-element")
    expect(player).to_be_visible()
    assert "token" not in (player.get_attribute("src") or "")
    page.wait_for_function("v => v.readyState >= 3", arg=player.element_handle(), timeout=20_000)
    start = player.evaluate("v => { v.muted = true; return v.play().then(() => v.currentTime) }")
    page.wait_for_function("([v, t]) => v.currentTime > t + 0.3", arg=[player.element_handle(), start])
    expect(page.get_by_test_id("player-prompt")).to_contain_text("paper boat")
    shot(page, "player")

    # The reference image shows in the player of the video made from one.
    page.goto(f"/videos/{image_video}")
    expect(page.get_by_alt_text("The image this video started from")).to_be_visible()

    # Remix from the player: a new card, linked to its parent in the lineage.
    page.goto(f"/videos/{video_id}")
    page.get_by_test_id("player-remix").click()
    page.get_by_test_id("derive-prompt").locator("textarea").fill("The same street, but snowing")
    page.get_by_test_id("derive-submit").click()
    page.wait_for_url(re.compile(r"/#video-"))
    remix_id = page.url.rsplit("#video-", 1)[1]
    expect(card(page, remix_id)).to_be_visible()
    watch_progress(page, remix_id)
    assert api.call("admin", "GET", f"/api/videos/{remix_id}").json()["remix_of"] == video_id
    page.goto(f"/videos/{remix_id}")
    parent = page.get_by_test_id("lineage-parent")
    expect(parent).to_contain_text("paper boat")
    parent.click()
    page.wait_for_url(f"**/videos/{video_id}")
    expect(page.get_by_test_id("lineage-child")).to_contain_text("snowing")
    page.get_by_test_id("close-player").click()
    page.wait_for_url(re.compile(r"/$"))

    # Delete with confirmation: the card goes, and so does the record.
    remix_card = card(page, remix_id)
    remix_card.get_by_test_id("card-menu").click()
    page.get_by_test_id("action-delete").click()
    expect(page.get_by_test_id("delete-dialog")).to_contain_text("cannot be undone")
    page.get_by_test_id("confirm-delete").click()
    expect(remix_card).to_have_count(0)
    assert api.call("admin", "GET", f"/api/videos/{remix_id}").status_code == 404
