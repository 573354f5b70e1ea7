"""Restarts: jobs persist in the data dir, a job finished while the emulator was down answers completed, and
its webhook goes out after the restart, once."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from tests.emulator_openrouter.helpers import make_config, running_emulator, running_receiver

VEO = "google/veo-3.1-fast"


async def _rendered(jobs_dir: Path, job_id: str, timeout: float = 10.0) -> dict:
    """The stored record once the render is on disk (the job may still be before its due time)."""
    deadline = time.monotonic() + timeout
    while (stored := json.loads((jobs_dir / f"{job_id}.json").read_text()))["rendered_at"] is None:
        assert time.monotonic() < deadline, "the render did not finish"
        await asyncio.sleep(0.05)
    return stored


async def test_a_job_that_finished_while_down_is_completed_and_notified_after_restart(data_dir: Path):
    config = make_config(data_dir, job_seconds=2.0)
    async with running_receiver() as receiver:
        async with running_emulator(config) as before:
            job = await before.videos.generate_async(model=VEO, prompt="p", duration=4,
                                                     callback_url=receiver.url)
            stored = await _rendered(before.emulator.store.jobs_dir, job.id)
            assert (await before.videos.get_generation_async(job_id=job.id)).status != "completed"
        # the job time ends while nothing is running
        await asyncio.sleep(max(0.0, stored["created_at"] + stored["job_seconds"] - time.time()) + 0.1)
        assert receiver.deliveries == []
        async with running_emulator(config) as after:
            polled = await after.videos.get_generation_async(job_id=job.id)
            assert polled.status == "completed" and polled.id == job.id
            [(headers, _)] = await receiver.wait_for(1)
            assert headers["x-openrouter-idempotency-key"] == f"{job.id}-completed"
            assert (await after.webhooks_settled())["jobs_created"] == 1
        async with running_emulator(config) as again:
            await asyncio.sleep(0.3)
            assert len(receiver.deliveries) == 1 and (await again.stats())["webhooks_pending"] == 0


async def test_an_interrupted_render_is_redone_after_restart(data_dir: Path, tmp_path: Path):
    # One render thread, busy with a long clip when the tracked job is made: the stop always finds the tracked
    # job unrendered (racing its own short render was flaky under load).
    config = make_config(data_dir, job_seconds=1.0, fps=40, render_workers=1)
    async with running_emulator(config) as before:
        blocker = await before.videos.generate_async(model=VEO, prompt="long", duration=8, resolution="1080p")
        job = await before.videos.generate_async(model=VEO, prompt="p", duration=4)
    for job_id in (blocker.id, job.id):
        stored = json.loads((before.emulator.store.jobs_dir / f"{job_id}.json").read_text())
        assert stored["rendered_at"] is None, "the stop cut the renders short, so the restart must redo them"
    async with running_emulator(config) as after:
        await after.http.post(f"/_emulator/jobs/{blocker.id}/cancel")
        done = await after.wait_for(job.id)
        assert done.status == "completed"
        path = await after.download(job.id, tmp_path / "after-restart.mp4")
        assert path.read_bytes()[4:8] == b"ftyp"


async def test_cancelled_and_expired_states_survive_a_restart(data_dir: Path):
    config = make_config(data_dir)
    async with running_emulator(config) as before:
        cancelled = await before.videos.generate_async(model=VEO, prompt="p")
        expired = await before.videos.generate_async(model=VEO, prompt="p")
        await before.http.post(f"/_emulator/jobs/{cancelled.id}/cancel")
        await before.http.post(f"/_emulator/jobs/{expired.id}/expire")
    async with running_emulator(config) as after:
        await asyncio.sleep(1.1)
        assert (await after.videos.get_generation_async(job_id=cancelled.id)).status == "cancelled"
        assert (await after.videos.get_generation_async(job_id=expired.id)).status == "expired"
        stats = await after.stats()
        assert stats["jobs"]["cancelled"] == 1 and stats["jobs"]["expired"] == 1
