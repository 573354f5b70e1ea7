"""The original system's web UI and MCP server, replayed request by request (seed-contract §4, §5): axios's
default Accept header, multipart creates with the original's field names, its six model ids, remix and continue."""

from __future__ import annotations

import httpx

from tests.fixtures.media import png_bytes
from tests.videos.helpers import wait_for_video

AXIOS = {"Accept": "application/json, text/plain, */*"}
ORIGINAL_MODELS = ("sora-2", "sora-2-pro", "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview",
                   "veo-3-generate-preview", "veo-3-fast-generate-preview")


def _headers(token_headers: dict[str, str]) -> dict[str, str]:
    return {**token_headers, **AXIOS}


async def ui_create(client: httpx.AsyncClient, headers: dict, model: str, *, image: bool = False) -> httpx.Response:
    """CreateVideoCard's submit: multipart prompt, model, size, seconds; Veo adds veoImageMode (and files)."""
    fields = [("prompt", (None, f"a paper boat, by the original UI ({model})")), ("model", (None, model)),
              ("size", (None, "1280x720")), ("seconds", (None, "8"))]
    if model.startswith("veo-"):
        fields += [("negativePrompt", (None, "blur")),
                   ("veoImageMode", (None, "image-to-video" if image else "none"))]
    if image:
        fields.append(("input_reference", ("frame.png", png_bytes(640, 360), "image/png")))
    return await client.post("/api/videos", files=fields, headers=_headers(headers))


async def mcp_create(client: httpx.AsyncClient, headers: dict, model: str) -> httpx.Response:
    """The original MCP server's create_video: JSON, defaults filled in."""
    return await client.post("/api/videos", json={"prompt": "an agent's kite", "model": model, "size": "1280x720",
                                                  "seconds": "8"}, headers=_headers(headers))


async def created_by_each_original_model(client: httpx.AsyncClient, headers: dict) -> dict[str, dict]:
    records = {}
    for model in ORIGINAL_MODELS:
        response = await ui_create(client, headers, model)
        assert response.status_code == 200, (model, response.text)
        records[model] = response.json()
        assert records[model]["provider"] in ("sora", "veo"), records[model]
    mcp = await mcp_create(client, headers, "sora-2")
    assert mcp.status_code == 200 and {"id", "openai_video_id", "status", "cost"} <= set(mcp.json())
    return records


async def finished(client: httpx.AsyncClient, headers: dict, video_id: str) -> dict:
    video = await wait_for_video(client, _headers(headers), video_id, timeout=60)
    assert video["status"] == "completed" and video["download_state"] == "done", video
    return video


async def ui_remix(client: httpx.AsyncClient, headers: dict, video_id: str) -> httpx.Response:
    return await client.post(f"/api/videos/{video_id}/remix", json={"prompt": "now at night"},
                             headers=_headers(headers))


async def ui_continue(client: httpx.AsyncClient, headers: dict, video_id: str, model: str | None) -> httpx.Response:
    """ContinueDialog: "Same as Original" leaves the model out; otherwise one of the provider's original ids."""
    body = {"prompt": "and then it rains", "seconds": "8", **({"model": model} if model else {})}
    return await client.post(f"/api/videos/{video_id}/continue", json=body, headers=_headers(headers))


async def listed_providers(client: httpx.AsyncClient, headers: dict) -> dict[str, str]:
    """The `provider` of every video in the original UI's list call (limit=50&offset=0)."""
    page = (await client.get("/api/videos", params={"limit": 50, "offset": 0}, headers=_headers(headers))).json()
    return {v["id"]: v["provider"] for v in page["videos"]}
