"""The job lifecycle through the official `openai` SDK against a real emulator server."""

from __future__ import annotations

import base64
import io

import av
import pytest
from openai.types import Video
from PIL import Image

from tests.emulator.helpers import JOB_SECONDS, Emulator, image_bytes, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API is scheduled:DeprecationWarning")


def assert_mp4(data: bytes, width: int, height: int, seconds: float) -> None:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (width, height)
        assert abs(container.duration / 1_000_000 - seconds) <= 0.1
        frames = list(container.decode(video=0))
    assert frames, "no decodable frame"
    assert float(frames[-1].pts * frames[-1].time_base) >= seconds - 0.25


async def test_create_then_poll_shows_rising_progress_until_completed(emulator: Emulator):
    video = await emulator.client.videos.create(prompt="a snail racing a leaf", seconds="4", size="720x1280")
    assert video.id.startswith("video_") and video.object == "video"
    assert (video.status, video.progress, video.model, video.seconds) == ("queued", 0, "sora-2", "4")
    seen: list[tuple[str, int]] = []
    done = await wait_for(emulator.client, video.id, on_poll=lambda v: seen.append((v.status, v.progress)))
    assert done.status == "completed" and done.progress == 100
    progresses = [progress for _, progress in seen]
    assert progresses == sorted(progresses), "progress never goes backwards"
    assert any(status == "in_progress" and 0 < progress < 100 for status, progress in seen)
    assert done.completed_at >= done.created_at + int(JOB_SECONDS) - 1
    assert done.expires_at == done.completed_at + 3600
    assert done.error is None and done.remixed_from_video_id is None and done.prompt == "a snail racing a leaf"


async def test_retrieve_sends_a_poll_hint_that_the_sdk_poll_helper_follows(emulator: Emulator):
    video = await emulator.client.videos.create(prompt="hint")
    raw = await emulator.client.videos.with_raw_response.retrieve(video.id)
    assert 500 <= int(raw.headers["openai-poll-after-ms"]) <= 5000
    done = await emulator.client.videos.poll(video.id)
    assert done.status == "completed"
    raw = await emulator.client.videos.with_raw_response.retrieve(video.id)
    assert "openai-poll-after-ms" not in raw.headers


async def test_content_variants_are_a_real_mp4_a_webp_and_a_jpeg(emulator: Emulator):
    video = await emulator.client.videos.create(prompt="variants", size="1280x720", seconds="4")
    await wait_for(emulator.client, video.id)
    mp4 = await emulator.client.videos.download_content(video.id)
    assert_mp4(mp4.content, 1280, 720, 4.0)
    assert mp4.response.headers["content-type"] == "video/mp4"
    thumbnail = await emulator.client.videos.download_content(video.id, variant="thumbnail")
    assert thumbnail.response.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(thumbnail.content)).format == "WEBP"
    sprites = await emulator.client.videos.download_content(video.id, variant="spritesheet")
    assert sprites.response.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(sprites.content)).format == "JPEG"


async def test_content_is_404_until_the_video_is_completed(emulator: Emulator):
    import openai

    video = await emulator.client.videos.create(prompt="not yet")
    with pytest.raises(openai.NotFoundError) as error:
        await emulator.client.videos.download_content(video.id)
    assert error.value.body["message"].startswith("Video is not ready yet")


async def test_reference_image_is_accepted_as_multipart_and_becomes_the_first_frame(emulator: Emulator):
    reference = image_bytes(720, 1280, (220, 30, 30))
    video = await emulator.client.videos.create(prompt="from a red card", size="720x1280",
                                                input_reference=("ref.png", reference, "image/png"))
    await wait_for(emulator.client, video.id)
    mp4 = await emulator.client.videos.download_content(video.id)
    with av.open(io.BytesIO(mp4.content)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    red, green, blue = first[600:680, 300:420].reshape(-1, 3).mean(axis=0)
    assert red > 180 and green < 70 and blue < 70


async def test_json_create_with_a_data_url_reference(emulator: Emulator):
    data_url = "data:image/jpeg;base64," + base64.b64encode(image_bytes(1280, 720, fmt="JPEG")).decode()
    video = await emulator.client.post("/videos", cast_to=Video, body={
        "prompt": "json body", "model": "sora-2-pro", "size": "1280x720", "seconds": "8",
        "input_reference": {"image_url": data_url}})
    assert (video.model, video.size, video.seconds, video.status) == ("sora-2-pro", "1280x720", "8", "queued")


async def test_list_pages_with_a_cursor_in_both_orders(emulator: Emulator):
    created = [(await emulator.client.videos.create(prompt=f"clip {n}")).id for n in range(5)]
    first = await emulator.client.videos.list(limit=2, order="asc")
    assert [v.id for v in first.data] == created[:2] and first.has_more and first.last_id == created[1]
    everything = [video.id async for video in emulator.client.videos.list(limit=2, order="asc")]
    assert everything == created
    newest = await emulator.client.videos.list(limit=3)
    assert [v.id for v in newest.data] == created[::-1][:3]
    last = await emulator.client.videos.list(limit=3, after=created[1], order="desc")
    assert [v.id for v in last.data] == [created[0]] and last.has_more is False


async def test_delete_removes_the_video_and_its_files(emulator: Emulator):
    import openai

    video = await emulator.client.videos.create(prompt="short lived")
    await wait_for(emulator.client, video.id)
    folder = emulator.service.store.media_folder(video.id)
    assert (folder / "video.mp4").exists()
    deleted = await emulator.client.videos.delete(video.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (video.id, True, "video.deleted")
    assert not folder.exists()
    with pytest.raises(openai.NotFoundError):
        await emulator.client.videos.retrieve(video.id)
    assert video.id not in [v.id for v in (await emulator.client.videos.list()).data]
    assert (await emulator.stats())["jobs_deleted"] == 1


async def test_remix_of_a_completed_video_keeps_its_shape(emulator: Emulator):
    source = await emulator.client.videos.create(prompt="original", model="sora-2-pro", size="1024x1792")
    await wait_for(emulator.client, source.id)
    remix = await emulator.client.videos.remix(source.id, prompt="same, but at night")
    assert remix.id != source.id and remix.remixed_from_video_id == source.id
    assert (remix.model, remix.size, remix.seconds, remix.prompt) == ("sora-2-pro", "1024x1792", "4",
                                                                      "same, but at night")
    done = await wait_for(emulator.client, remix.id)
    assert done.status == "completed"


async def test_remix_accepts_the_multipart_form_the_original_client_sent(emulator: Emulator):
    source = await emulator.client.videos.create(prompt="original")
    await wait_for(emulator.client, source.id)
    response = await emulator.http.post(f"/v1/videos/{source.id}/remix", files={"prompt": (None, "multipart")})
    assert response.status_code == 200, response.text
    assert response.json()["remixed_from_video_id"] == source.id


async def test_remix_needs_an_existing_completed_source(emulator: Emulator):
    import openai

    source = await emulator.client.videos.create(prompt="still rendering")
    with pytest.raises(openai.BadRequestError):
        await emulator.client.videos.remix(source.id, prompt="too early")
    with pytest.raises(openai.NotFoundError):
        await emulator.client.videos.remix("video_missing", prompt="nothing there")


async def test_expiry_makes_content_404_and_status_expired(emulator: Emulator):
    import openai

    video = await emulator.client.videos.create(prompt="ephemeral")
    done = await wait_for(emulator.client, video.id)
    await emulator.faults(expire_after_seconds=0)
    expired = await emulator.client.videos.retrieve(video.id)
    assert expired.status == "expired" and expired.expires_at == done.completed_at
    with pytest.raises(openai.NotFoundError) as error:
        await emulator.client.videos.download_content(video.id)
    assert "expired" in error.value.body["message"]
    assert not emulator.service.store.media_path(video.id, "video").exists()


async def test_deleting_a_job_mid_render_leaves_no_files(emulator: Emulator):
    import asyncio

    video = await emulator.client.videos.create(prompt="gone before it was done", size="1280x720")
    await emulator.client.videos.delete(video.id)
    await asyncio.sleep(0.6)  # longer than one render: a render that kept going would have renamed files in
    assert not emulator.service.store.media_folder(video.id).exists()
