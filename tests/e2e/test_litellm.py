"""A real LiteLLM proxy (PyPI, pinned) in front of our emulator, and our server in front of LiteLLM: a Veo-named
and a Sora-named video made through our REST API, with LiteLLM's own model list deciding what is offered and the
config docs/providers.md recommends (video models with num_retries: 0: one upstream create per video)."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av
import httpx
import pytest

from sora2.providers.openai_compat import _error_message
from tests.emulator.helpers import Emulator, make_config, running_emulator
from tests.fixtures.litellm import LiteLLMProxy
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e
MASTER_KEY = "sk-e2e-" + "0123456789abcdef" * 2


def litellm_config(emulator_url: str) -> str:
    """The config docs/providers.md shows, pointed at the emulator."""
    return f"""
model_list:
  - model_name: sora-2
    litellm_params: {{model: openai/sora-2, api_base: "{emulator_url}/v1", api_key: emulator-key}}
    model_info: {{mode: video_generation}}
  - model_name: veo-3.1
    litellm_params: {{model: openai/veo-3.1, api_base: "{emulator_url}/v1", api_key: emulator-key}}
    model_info: {{mode: video_generation}}
router_settings:
  num_retries: 0
litellm_settings:
  num_retries: 0
  request_timeout: 120
"""


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(make_config(tmp_path / "upstream", api_key=None, job_seconds=2.0)) as running:
        yield running


@pytest.fixture
def proxy(tmp_path: Path, emulator: Emulator) -> Iterator[LiteLLMProxy]:
    config = tmp_path / "litellm.yaml"
    config.write_text(litellm_config(emulator.url))
    proxy = LiteLLMProxy(config, MASTER_KEY)
    try:
        yield proxy.start()
    finally:
        proxy.stop()


@pytest.fixture
def server(tmp_path: Path, proxy: LiteLLMProxy) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data", env_overrides={
        "SORA2_OPENAI_BASE_URL": f"{proxy.url}/v1", "SORA2_OPENAI_API_KEY": MASTER_KEY,
        "SORA2_OPENAI_TIMEOUT_SECONDS": "120"})
    server.start()
    yield server
    server.stop()


async def _finished(http: httpx.AsyncClient, video_id: str, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = (await http.get(f"/api/videos/{video_id}")).json()
        if video["status"] in ("completed", "failed") and video["download_state"] != "pending":
            return video
        await asyncio.sleep(0.5)
    raise AssertionError(f"{video_id} did not finish")


def _mp4(data: bytes) -> tuple[int, int, float]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        return stream.width, stream.height, float(container.duration / 1e6)


async def test_veo_and_sora_named_videos_through_a_real_litellm_proxy(server: LiveServer, emulator: Emulator):
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        login = await http.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"
        providers = (await http.get("/api/providers")).json()["providers"]
        models = {m["id"]: m for m in providers[0]["models"]}
        assert sorted(models) == ["sora-2", "veo-3.1"] and models["veo-3.1"]["durations"] == ["4", "6", "8"]
        veo = (await http.post("/api/videos", json={"prompt": "a heron in the reeds", "model": "veo-3.1",
                                                     "seconds": "6", "aspect_ratio": "16:9"})).json()
        sora = (await http.post("/api/videos", json={"prompt": "a lighthouse at dusk", "model": "sora-2",
                                                      "seconds": "4", "size": "720x1280"})).json()
        done = [await _finished(http, video["id"]) for video in (veo, sora)]
        assert [v["status"] for v in done] == ["completed", "completed"], done
        assert done[0]["provider_video_id"].startswith("video_")  # LiteLLM's own (encoded) id
        shapes = []
        for video in done:
            content = await http.get(f"/api/videos/{video['id']}/content")
            assert content.status_code == 200 and content.headers["content-type"] == "video/mp4"
            shapes.append(_mp4(content.content))
        assert shapes[0][:2] == (1280, 720) and abs(shapes[0][2] - 6) < 0.6
        assert shapes[1][:2] == (720, 1280) and abs(shapes[1][2] - 4) < 0.6
    assert (await emulator.stats())["requests"]["create"] == 2  # num_retries: 0: one upstream create each


async def test_litellms_wrapped_errors_unwrap_to_the_upstream_message(proxy: LiteLLMProxy, emulator: Emulator):
    async with httpx.AsyncClient(base_url=proxy.url, timeout=60,
                                 headers={"Authorization": f"Bearer {MASTER_KEY}"}) as http:
        fields = {"model": "sora-2", "prompt": "p", "size": "1920x1080", "seconds": "4"}
        response = await http.post("/v1/videos", files={k: (None, v) for k, v in fields.items()})
    assert response.status_code == 400
    wrapped = response.json()["error"]["message"]
    assert "litellm" in wrapped.lower()
    message = _error_message(response)
    assert message.startswith("Invalid value: '1920x1080'") and "litellm" not in message.lower(), message
    assert (await emulator.stats())["requests"]["create"] == 1  # and it was not retried
