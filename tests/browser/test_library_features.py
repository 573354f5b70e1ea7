"""The studio around one generation, in real Chromium: drafts, reuse, variations, stars, collections, URL-kept
filters, multi-select with a ZIP download, share links, previous/next in the player."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import av
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import doc_shot, sign_in
from tests.browser.helpers import PASSWORD, card, fresh_user, make_video, wait_done

pytestmark = pytest.mark.browser
CHOSEN = re.compile(r"v-btn--active")  # Vuetify's toggle marks the chosen button so
def picture(tmp_path: Path, name: str = "start.png", size: tuple[int, int] = (640, 360)) -> str:
    image = Image.new("RGB", size, (20, 120, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_draft_survives_navigation_and_reload_and_images_are_checked(new_page, api, tmp_path) -> None:  # noqa: ANN001
    user = fresh_user(api, "drafty")
    page = new_page()
    sign_in(page, user, PASSWORD, path="/create")
    page.get_by_label("Prompt", exact=True).fill("A lighthouse in a storm, waves crashing")
    page.get_by_test_id("duration-12").click()
    page.get_by_test_id("orientation-portrait").click()
    # A file that is not an image is refused next to the picker, at once.
    fake = tmp_path / "notes.png"
    fake.write_text("this is not a picture")
    page.get_by_test_id("image-input").set_input_files(str(fake))
    expect(page.get_by_test_id("image-problem")).to_have_text("This is not a JPEG, PNG or WebP image.")
    page.get_by_test_id("image-input").set_input_files(picture(tmp_path, size=(8, 8)))
    expect(page.get_by_test_id("image-problem")).to_contain_text("at least 16 pixels")
    page.get_by_test_id("image-input").set_input_files(picture(tmp_path))
    expect(page.get_by_test_id("image-info")).to_contain_text("640×360")
    page.wait_for_timeout(500)  # the draft is saved a moment after the last change

    page.get_by_role("link", name="Library").first.click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Create").first.click()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("A lighthouse in a storm, waves crashing")
    page.reload()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("A lighthouse in a storm, waves crashing")
    expect(page.get_by_test_id("duration-12")).to_have_class(CHOSEN)
    expect(page.get_by_test_id("orientation-portrait")).to_have_class(CHOSEN)
    expect(page.get_by_test_id("image-preview")).to_be_visible()
    doc_shot(page, "create-draft")

    # Another user on the same browser does not get this draft.
    page.get_by_test_id("clear-draft").click()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("")
    page.reload()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("")
    expect(page.get_by_test_id("image-preview")).to_have_count(0)


def test_reuse_settings_fills_create_with_the_image(new_page, api, tmp_path) -> None:  # noqa: ANN001
    user = fresh_user(api, "reuser")
    files = {"input_reference": ("ref.png", Path(picture(tmp_path)).read_bytes(), "image/png")}
    made = api.call(user, "POST", "/api/videos", files=files,
                    data={"prompt": "A fox crossing a snowy field", "seconds": "8", "size": "720x1280"})
    assert made.status_code == 200, made.text
    video_id = made.json()["id"]
    wait_done(api, user, video_id)
    page = new_page()
    sign_in(page, user, PASSWORD)
    card(page, video_id).get_by_test_id("card-menu").click()
    page.get_by_role("menuitem", name="Reuse prompt & settings").click()
    page.wait_for_url(re.compile(r"/create$"))
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("A fox crossing a snowy field")
    expect(page.get_by_test_id("duration-8")).to_have_class(CHOSEN)
    expect(page.get_by_test_id("orientation-portrait")).to_have_class(CHOSEN)
    expect(page.get_by_test_id("image-preview")).to_be_visible()
    expect(page.get_by_test_id("image-info")).to_contain_text("720×1280")
    # The same from the player.
    page.goto(f"/videos/{video_id}")
    page.get_by_test_id("player-reuse").click()
    page.wait_for_url(re.compile(r"/create$"))
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("A fox crossing a snowy field")


def test_three_variations_side_by_side(new_page, api) -> None:  # noqa: ANN001
    user = fresh_user(api, "varied")
    page = new_page()
    sign_in(page, user, PASSWORD, path="/create")
    page.get_by_label("Prompt", exact=True).fill("A hot air balloon over a canyon at sunrise")
    page.get_by_test_id("duration-4").click()
    page.get_by_test_id("variations-3").click()
    expect(page.get_by_test_id("cost-estimate")).to_have_text("$0.00")
    expect(page.get_by_test_id("charge-sentence")).to_contain_text("nothing is charged")
    expect(page.get_by_test_id("submit-create")).to_have_text(re.compile("Create 3 videos"))
    with page.expect_response(lambda r: r.url.endswith("/api/videos/batch")) as answer:
        page.get_by_test_id("submit-create").click()
    batch = answer.value.json()
    assert len(batch["videos"]) == 3 and answer.value.request.headers.get("idempotency-key")
    page.wait_for_url(re.compile(r"\?batch="))
    expect(page.get_by_test_id("batch-header")).to_be_visible()
    expect(page.get_by_test_id("video-card")).to_have_count(3)
    for video in batch["videos"]:
        wait_done(api, user, video["id"])
    expect(page.locator('[data-testid="video-card"][data-status="completed"]')).to_have_count(3, timeout=20_000)
    doc_shot(page, "library-variations")


def test_star_collections_and_filters_kept_in_the_url(new_page, api) -> None:  # noqa: ANN001
    user = fresh_user(api, "organiser")
    ids = [make_video(api, user, prompt) for prompt in ("Red kite over hills", "Blue whale diving", "Green forest")]
    page = new_page()
    sign_in(page, user, PASSWORD)
    expect(page.get_by_test_id("video-card")).to_have_count(3)

    # Star one and filter by stars: the filter lives in the URL and survives a reload.
    card(page, ids[1]).get_by_test_id("star").click()
    expect(card(page, ids[1]).get_by_test_id("star")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("filter-favourites").click()
    page.wait_for_url(re.compile(r"\?fav=1"))
    expect(page.get_by_test_id("video-card")).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("video-card")).to_have_count(1)
    expect(card(page, ids[1])).to_be_visible()

    # A filtered view with nothing in it offers to clear the filters.
    page.goto("/?fav=1&q=nothing-like-this")
    expect(page.get_by_test_id("empty-library")).to_contain_text("No videos match")
    page.get_by_test_id("clear-filters").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_test_id("video-card")).to_have_count(3)

    # Sort and search in the URL.
    page.get_by_test_id("sort").click()
    page.get_by_role("menuitemradio", name="Oldest").click()
    page.wait_for_url(re.compile(r"sort=oldest"))
    expect(page.get_by_test_id("video-card").first).to_have_attribute("data-video-id", ids[0])
    page.get_by_test_id("search").locator("input").fill("whale")
    page.wait_for_url(re.compile(r"q=whale"))
    page.reload()
    expect(page.get_by_test_id("search").locator("input")).to_have_value("whale")
    expect(page.get_by_test_id("video-card")).to_have_count(1)
    page.goto("/")

    # A collection: made from a card's menu, a video added, then the library filtered by it.
    card(page, ids[0]).get_by_test_id("card-menu").click()
    page.get_by_role("menuitem", name="Add to collection…").click()
    dialog = page.get_by_test_id("collect-dialog")
    dialog.get_by_test_id("new-collection").locator("input").fill("Birds and whales")
    dialog.get_by_test_id("create-collection").click()
    expect(dialog.get_by_test_id("collect-Birds and whales").locator("input")).to_be_checked()
    dialog.get_by_test_id("collect-done").click()
    # Two more through a multi-selection.
    for video_id in ids[1:]:
        card(page, video_id).get_by_test_id("select").check()
    expect(page.get_by_test_id("selection-count")).to_have_text("2 selected")
    page.get_by_test_id("bulk-collect").click()
    page.get_by_test_id("collect-dialog").get_by_test_id("collect-Birds and whales").click()
    page.get_by_test_id("collect-dialog").get_by_test_id("collect-done").click()
    page.get_by_role("link", name="Collections").first.click()
    tile = page.get_by_test_id("collection-tile")
    expect(tile).to_contain_text("3 videos")
    doc_shot(page, "collections")
    tile.click()
    page.wait_for_url(re.compile(r"\?collection="))
    expect(page.get_by_test_id("collection-name")).to_have_text("Birds and whales")
    expect(page.get_by_test_id("video-card")).to_have_count(3)
    page.reload()
    expect(page.get_by_test_id("video-card")).to_have_count(3)
    doc_shot(page, "collection-page")


def test_multi_select_downloads_one_zip_of_mp4s(new_page, api, tmp_path) -> None:  # noqa: ANN001
    user = fresh_user(api, "zipper")
    ids = [make_video(api, user, f"Clip number {i} of a paper boat") for i in range(3)]
    for video_id in ids:
        wait_done(api, user, video_id)
    page = new_page()
    sign_in(page, user, PASSWORD)
    for video_id in ids[:2]:
        card(page, video_id).get_by_test_id("select").check()
    expect(page.get_by_test_id("selection-bar")).to_be_visible()
    doc_shot(page, "library-selection")
    with page.expect_download() as waiting:
        page.get_by_test_id("bulk-zip").click()
    download = waiting.value
    target = tmp_path / "videos.zip"
    download.save_as(target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(n.startswith("clip-number-") and n.endswith(".mp4") for n in names)
        for name in names:
            with av.open(io.BytesIO(archive.read(name))) as container:
                assert container.streams.video[0].codec_context.name == "h264"
                assert float(container.duration / av.time_base) == pytest.approx(4, abs=0.5)
    # Bulk star, then bulk delete with confirmation.
    page.get_by_test_id("bulk-star").click()
    expect(card(page, ids[0]).get_by_test_id("star")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("bulk-delete").click()
    page.get_by_test_id("bulk-delete-confirm").click()
    expect(page.get_by_test_id("video-card")).to_have_count(1)
    assert api.call(user, "GET", f"/api/videos/{ids[0]}").status_code == 404


def test_share_link_opens_signed_out_and_stops_when_revoked(new_page, api, browser, live) -> None:  # noqa: ANN001
    user = fresh_user(api, "sharer")
    video_id = make_video(api, user, "A paper lantern rising into the night sky")
    wait_done(api, user, video_id)
    page = new_page()
    sign_in(page, user, PASSWORD)
    card(page, video_id).get_by_test_id("card-menu").click()
    page.get_by_role("menuitem", name="Share link…").click()
    page.get_by_test_id("share-show-prompt").locator("input").check()
    page.get_by_test_id("share-create").click()
    url = page.get_by_test_id("share-url").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live.url)}/s/[\w-]+", url), url
    doc_shot(page, "share-dialog")

    # A fresh browser with no session: the page plays, shows the prompt and nothing else of the owner.
    visitor = browser.new_context(viewport={"width": 1100, "height": 760})
    try:
        public = visitor.new_page()
        html = public.request.get(url).text()
        assert 'property="og:video"' in html and 'property="og:image"' in html
        public.goto(url)
        expect(public.get_by_test_id("share-prompt")).to_have_text("A paper lantern rising into the night sky")
        video = public.get_by_test_id("share-video")
        public.wait_for_function("v => v.readyState >= 2", arg=video.element_handle(), timeout=20_000)
        assert user not in public.content()
        doc_shot(public, "share-page")

        # Settings lists the link with its view; revoking it ends it at once.
        page.goto("/settings#share-links")
        row = page.get_by_test_id("my-shares").get_by_test_id("share-row").first
        expect(row).to_contain_text("1 view")
        row.get_by_test_id("share-revoke").click()
        expect(row).to_have_attribute("data-state", "revoked")
        public.reload()
        expect(public.get_by_test_id("share-gone")).to_be_visible()
        assert public.request.get(url).status == 404
    finally:
        visitor.close()


def test_player_previous_next_and_play(new_page, api) -> None:  # noqa: ANN001
    user = fresh_user(api, "player")
    ids = [make_video(api, user, prompt) for prompt in ("First: a red door", "Second: a green door")]
    for video_id in ids:
        wait_done(api, user, video_id)
    page = new_page()
    sign_in(page, user, PASSWORD)
    # Newest first: ids[1], then ids[0]. Play starts playback on its own.
    card(page, ids[1]).get_by_role("button", name="Play").click()
    page.wait_for_url(f"**/videos/{ids[1]}")
    player = page.get_by_test_id("video-element")
    page.wait_for_function("v => !v.paused && v.currentTime > 0.2", arg=player.element_handle(), timeout=20_000)
    expect(page.get_by_test_id("player-previous")).to_be_disabled()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/videos/{ids[0]}")
    expect(page.get_by_test_id("player-prompt")).to_have_text("First: a red door")
    expect(page.get_by_test_id("player-next")).to_be_disabled()
    page.get_by_test_id("player-previous").click()
    page.wait_for_url(f"**/videos/{ids[1]}")
    page.get_by_test_id("player-star").click()
    expect(page.get_by_test_id("player-star")).to_have_attribute("aria-pressed", "true")
    doc_shot(page, "player-actions")
