"""Provider requests per completed video and completion-to-notified latency: our tracker against the original's
fixed 5-second poller, in the same process, on the same emulator, with jobs of the same length.

Target: at most a third of the fixed poller's requests, with notification no later than 1 s after the provider
finishes. "Finishes" is the emulator's own completion time for the job (end of its clock and render).

A last row per job length: the same tracker on the OpenRouter emulator with signed webhooks on (polling only as the
90 s safety net), so a video costs create + one poll after the webhook + the download.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from sora2.app import create_app
from sora2.config import Settings
from sora2.events import VideoUpdated
from sora2.providers.base import GenerationRequest

FIXED_INTERVAL = 5.0
VIDEO = {"size": "720x1280", "seconds": "4", "model": "sora-2"}


def finished_at(emulator_dir: Path, job_id: str) -> float:
    job = json.loads((emulator_dir / "jobs" / f"{job_id}.json").read_text())
    return max(job["created_at"] + job["job_seconds"], job["rendered_at"])


class RequestCounter:
    """Counts one provider client's requests by operation (both runs share the emulator, not the client)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def __call__(self, request: httpx.Request) -> None:
        path = request.url.path
        operation = ("content" if path.endswith("/content") else "remix" if path.endswith("/remix")
                     else "create" if request.method == "POST" else "retrieve")
        self.counts[operation] = self.counts.get(operation, 0) + 1


def count_requests(provider) -> RequestCounter:  # noqa: ANN001
    counter = RequestCounter()
    provider._client.event_hooks["request"].append(counter)  # noqa: SLF001
    return counter


async def run_ours(http: httpx.AsyncClient, ctx, headers: dict, count: int) -> tuple[dict, list[float]]:  # noqa: ANN001
    notified: dict[str, float] = {}
    done = asyncio.Event()

    def on_event(event: object) -> None:
        if isinstance(event, VideoUpdated) and event.updates.get("download_state") == "done" \
                and event.video_id not in notified and len(notified) < count:
            notified[event.video_id] = time.time()
            if len(notified) == count:
                done.set()

    ctx.bus.subscribe(on_event)
    counter = count_requests(ctx.providers.get("emulator"))
    ids = [(await http.post("/api/videos", json={"prompt": f"ours {i}", **VIDEO}, headers=headers)).json()["id"]
           for i in range(count)]
    await asyncio.wait_for(done.wait(), timeout=900)
    requests = dict(counter.counts)  # a snapshot: the hook keeps counting later batches
    latencies = []
    for video_id in ids:
        job_id = (await http.get(f"/api/videos/{video_id}", headers=headers)).json()["provider_video_id"]
        latencies.append(notified[video_id] - finished_at(ctx.settings.emulator_dir, job_id))
    return requests, latencies


async def run_fixed_poller(http: httpx.AsyncClient, ctx, count: int) -> tuple[dict, list[float]]:  # noqa: ANN001
    """The original's strategy: poll every 5 s from creation; on completion download video and thumbnail."""
    from sora2.providers.registry import build_emulator_provider

    emulator = ctx.extras["emulator"]
    provider = build_emulator_provider(ctx.settings, ctx.extras["emulator_app"], emulator.config.api_key)
    counter = count_requests(provider)

    async def one(i: int) -> float:
        job = await provider.create(GenerationRequest(prompt=f"fixed {i}", **VIDEO))
        while True:
            status = await provider.get(job.job_id)
            if status.status == "completed":
                break
            await asyncio.sleep(FIXED_INTERVAL)
        for variant in ("video", "thumbnail"):
            sink = open("/dev/null", "wb")  # noqa: SIM115
            await provider.download(job.job_id, variant, sink)
            sink.close()
        return time.time() - finished_at(ctx.settings.emulator_dir, job.job_id)

    latencies = await asyncio.gather(*(one(i) for i in range(count)))
    await provider.close()
    return counter.counts, list(latencies)


def report(name: str, requests: dict, latencies: list[float], count: int) -> str:
    total = sum(requests.values())
    polls = requests.get("retrieve", 0)
    return (f"{name:<22} {total / count:6.2f} requests/video ({polls / count:5.2f} polls)   latency mean "
            f"{statistics.mean(latencies):5.2f} s  max {max(latencies):5.2f} s")


async def measure(count: int, job_seconds: float) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", jwt_secret="bench-" + uuid.uuid4().hex,
                            admin_password="bench-password", emulator_job_seconds=job_seconds,
                            emulator_concurrency=count * 2, log_level="WARNING")
        asgi = create_app(settings)
        async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
            ctx = asgi.fastapi.state.ctx
            transport = httpx.ASGITransport(app=asgi)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as http:
                token = (await http.post("/api/auth/login", json={"username": "admin",
                                                                  "password": "bench-password"})).json()["token"]
                headers = {"Authorization": f"Bearer {token}"}
                # Both strategies run at once on the same emulator, each counting its own client's requests.
                ours, fixed = await asyncio.gather(run_ours(http, ctx, headers, count),
                                                   run_fixed_poller(http, ctx, count))
                # Then a second batch of the same kind: the tracker now knows how long such jobs take.
                steady = await run_ours(http, ctx, headers, count)
    lines = [f"{count} videos of {VIDEO['seconds']} s, emulator job time {job_seconds:.0f} s",
             report("fixed 5 s poller", *fixed, count)]
    for name, (requests, latencies) in (("ours, first batch", ours), ("ours, with history", steady)):
        ratio = sum(requests.values()) / sum(fixed[0].values())
        lines += [report(name, requests, latencies, count),
                  f"{'':<22} requests vs fixed: {ratio:.2f} (target <= 0.33: {'met' if ratio <= 1 / 3 else 'NOT met'}); "
                  f"max latency <= 1 s: {'met' if max(latencies) <= 1.0 else 'NOT met'}"]
    return lines


class _LateBound(httpx.AsyncBaseTransport):
    """Delivers the emulator's webhooks into the app in-process (the app is built after the emulator)."""

    app = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await httpx.ASGITransport(app=self.app).handle_async_request(request)


@contextlib.asynccontextmanager
async def _serve(app) -> AsyncIterator[str]:  # noqa: ANN001
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="critical",
                                          access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


async def measure_webhooks(count: int, job_seconds: float) -> str:
    """Our tracker on the OpenRouter emulator (a real port, the official SDK) with signed webhooks on: polling
    waits 90 s, so completion is noticed through the webhook. Latency runs from the emulator's completion time."""
    from pydantic import SecretStr

    from sora2.emulator import EmulatorConfig
    from sora2.emulator.openrouter import OpenRouterEmulator

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the SDK's client logs every request at INFO
    secret, key = "bench-webhook-secret", "sk-or-bench"
    target = _LateBound()
    with tempfile.TemporaryDirectory() as tmp:
        emulator = OpenRouterEmulator(EmulatorConfig(data_dir=Path(tmp) / "openrouter", job_seconds=job_seconds,
                                                     api_key=key), webhook_secret=secret, webhook_transport=target)
        await emulator.start()
        try:
            async with _serve(emulator.app) as url:
                settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", jwt_secret="bench-" + uuid.uuid4().hex,
                                    admin_password="bench-password", log_level="WARNING", mcp_enabled=False,
                                    openrouter_api_key=SecretStr(key), openrouter_base_url=f"{url}/api/v1",
                                    openrouter_webhook_secret=SecretStr(secret), public_url="https://bench.test",
                                    openrouter_webhook_poll_seconds=90.0, openrouter_concurrency=count * 2)
                requests, latencies = await _run_openrouter(settings, target, emulator, count)
        finally:
            await emulator.stop()
    return report("ours, webhooks (OR)", requests, latencies, count)


async def _run_openrouter(settings: Settings, target: _LateBound, emulator, count: int):  # noqa: ANN001, ANN202
    asgi = create_app(settings)
    target.app = asgi
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        ctx = asgi.fastapi.state.ctx
        notified: dict[str, float] = {}
        done = asyncio.Event()

        def on_event(event: object) -> None:
            if isinstance(event, VideoUpdated) and event.updates.get("download_state") == "done":
                notified.setdefault(event.video_id, time.time())
                if len(notified) == count:
                    done.set()

        ctx.bus.subscribe(on_event)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://bench",
                                     timeout=60) as http:
            token = (await http.post("/api/auth/login", json={"username": "admin",
                                                              "password": "bench-password"})).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            body = {"model": "google/veo-3.1-fast", "seconds": "4", "aspect_ratio": "9:16", "resolution": "720p"}
            ids = []
            for i in range(count):
                response = await http.post("/api/videos", json={"prompt": f"webhook {i}", **body}, headers=headers)
                ids.append(response.json()["id"])
            await asyncio.wait_for(done.wait(), timeout=900)
            jobs = [(await http.get(f"/api/videos/{i}", headers=headers)).json()["provider_video_id"] for i in ids]
    requests = {k: v for k, v in emulator.stats()["requests"].items() if k != "list_models"}
    latencies = [notified[i] - emulator._jobs[j].completed_at() for i, j in zip(ids, jobs, strict=True)]  # noqa: SLF001
    return requests, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--videos", type=int, default=6)
    # Not multiples of the fixed poller's 5 s, which would flatter it (it would poll right at completion).
    parser.add_argument("--job-seconds", type=str, default="33,63,123",
                        help="comma-separated emulator job lengths, one run each")
    parser.add_argument("--only-webhooks", action="store_true", help="just the OpenRouter webhook row")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # before the MCP SDK installs its own INFO handler
    for seconds in (float(s) for s in args.job_seconds.split(",")):
        lines = [] if args.only_webhooks else asyncio.run(measure(args.videos, seconds))
        lines.append(asyncio.run(measure_webhooks(args.videos, seconds)))
        for line in lines:
            print(line)
        print()


if __name__ == "__main__":
    main()
