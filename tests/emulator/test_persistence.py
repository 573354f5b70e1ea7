"""Idempotency keys and restarts: every video is created exactly once, and a restarted emulator keeps its jobs."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from sora2.emulator import create_standalone_app
from tests.emulator.helpers import (API_KEY, Emulator, image_bytes, make_config, running_emulator, sdk_client, serve,
                                    wait_for)

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API is scheduled:DeprecationWarning")


async def test_same_idempotency_key_replays_the_same_job(emulator: Emulator):
    first = await emulator.client.videos.create(prompt="once", extra_headers={"Idempotency-Key": "k-1"})
    raw = await emulator.client.videos.with_raw_response.create(prompt="once",
                                                                extra_headers={"Idempotency-Key": "k-1"})
    assert raw.parse().id == first.id and raw.headers["idempotent-replayed"] == "true"
    other = await emulator.client.videos.create(prompt="once", extra_headers={"Idempotency-Key": "k-2"})
    assert other.id != first.id
    stats = await emulator.stats()
    assert (stats["jobs_created"], stats["idempotent_replays"], stats["requests"]["create"]) == (2, 1, 3)


async def test_concurrent_creates_with_one_key_make_one_job(emulator: Emulator):
    videos = await asyncio.gather(*(emulator.client.videos.create(prompt="race",
                                                                  extra_headers={"Idempotency-Key": "same"})
                                    for _ in range(4)))
    assert len({video.id for video in videos}) == 1
    assert (await emulator.stats())["jobs_created"] == 1


async def test_remix_honours_its_idempotency_key(emulator: Emulator):
    source = await emulator.client.videos.create(prompt="source")
    await wait_for(emulator.client, source.id)
    remixes = [await emulator.client.videos.remix(source.id, prompt="again", extra_headers={"Idempotency-Key": "r"})
               for _ in range(2)]
    assert remixes[0].id == remixes[1].id
    assert (await emulator.stats())["jobs_created"] == 2


async def test_a_restarted_emulator_finishes_the_interrupted_job_and_counts_it_once(data_dir):
    # One render thread, busy with a long clip when the tracked job is created: the stop always finds the
    # tracked job unrendered (its own render takes a quarter of a second, so racing it was flaky under load).
    config = make_config(data_dir, job_seconds=1.5, fps=40, render_workers=1)
    async with running_emulator(config) as before:
        blocker = await before.client.videos.create(prompt="long", model="sora-2-pro", size="1792x1024", seconds="12")
        video = await before.client.videos.create(prompt="survives a restart",
                                                  extra_headers={"Idempotency-Key": "tracker-1"})
    for job_id in (blocker.id, video.id):
        stored = json.loads((config.jobs_dir / f"{job_id}.json").read_text())
        assert stored["rendered_at"] is None, "the stop cut the renders short, so the restart must re-queue them"
    async with running_emulator(config) as after:
        await after.client.videos.delete(blocker.id)
        same = await after.client.videos.create(prompt="survives a restart",
                                                extra_headers={"Idempotency-Key": "tracker-1"})
        assert same.id == video.id
        done = await wait_for(after.client, video.id)
        assert done.status == "completed" and done.created_at == video.created_at
        assert (await after.client.videos.download_content(video.id)).content[4:8] == b"ftyp"
        stats = await after.stats()
        assert (stats["jobs_created"], stats["jobs_deleted"], stats["idempotent_replays"]) == (2, 1, 1)


async def test_completed_and_deleted_jobs_survive_a_restart(data_dir):
    config = make_config(data_dir)
    async with running_emulator(config) as before:
        kept = await before.client.videos.create(prompt="kept")
        dropped = await before.client.videos.create(prompt="dropped")
        await wait_for(before.client, kept.id)
        await before.client.videos.delete(dropped.id)
    async with running_emulator(config) as after:
        assert [v.id for v in (await after.client.videos.list()).data] == [kept.id]
        assert (await after.client.videos.retrieve(kept.id)).status == "completed"
        assert (await after.client.videos.download_content(kept.id, variant="thumbnail")).content[:4] == b"RIFF"
        stats = await after.stats()
        assert (stats["jobs_created"], stats["jobs_deleted"], stats["jobs"]["completed"]) == (2, 1, 1)


async def test_unreadable_job_files_and_leftover_temp_files_do_not_stop_a_start(data_dir):
    config = make_config(data_dir)
    async with running_emulator(config) as before:
        video = await before.client.videos.create(prompt="fine")
    (config.jobs_dir / "video_broken.json").write_text("{not json")
    leftover = config.jobs_dir / ".tmp-abc-video_x.json"
    leftover.write_text("{}")
    async with running_emulator(config) as after:
        assert [v.id for v in (await after.client.videos.list()).data] == [video.id]
    assert not leftover.exists()


async def test_job_files_are_plain_json_with_the_job_fields(emulator: Emulator):
    video = await emulator.client.videos.create(prompt="on disk", extra_headers={"Idempotency-Key": "disk"})
    stored = json.loads((emulator.service.config.jobs_dir / f"{video.id}.json").read_text())
    assert (stored["prompt"], stored["idempotency_key"], stored["size"]) == ("on disk", "disk", "720x1280")


async def test_standalone_app_starts_and_stops_its_own_service(data_dir):
    app = create_standalone_app(make_config(data_dir))
    async with serve(app, lifespan="on") as url:
        client = sdk_client(url)
        video = await client.videos.create(prompt="standalone")
        assert (await wait_for(client, video.id)).status == "completed"
        await client.close()
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as http:
            assert (await http.get("/_emulator/stats")).json()["jobs_created"] == 1
    assert app.state.emulator.started is False


async def test_a_render_that_crashes_fails_the_job_and_the_worker_keeps_going(data_dir):
    config = make_config(data_dir, job_seconds=0.5)
    async with running_emulator(config) as before:
        broken = await before.client.videos.create(
            prompt="doomed", input_reference=("ref.png", image_bytes(720, 1280), "image/png"))
    reference = config.media_dir / broken.id / "reference.img"
    reference.write_bytes(b"no longer an image")  # what a damaged disk would leave behind
    async with running_emulator(config) as after:
        failed = await wait_for(after.client, broken.id)
        assert (failed.status, failed.error.code) == ("failed", "video_generation_failed")
        healthy = await after.client.videos.create(prompt="fine")
        assert (await wait_for(after.client, healthy.id)).status == "completed"
