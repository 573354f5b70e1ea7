"""fal through our REST API: a video made, downloaded and verified; the catalogue in /api/providers; costs."""

from __future__ import annotations

from tests.providers_fal.helpers import VEO, RunningFal
from tests.videos.helpers import wait_for_video


async def test_providers_lists_fals_catalogue(client, user_headers, fal: RunningFal):
    providers = (await client.get("/api/providers", headers=user_headers)).json()
    fal_entry = next(p for p in providers["providers"] if p["id"] == "fal")
    models = {m["id"]: m for m in fal_entry["models"]}
    assert {VEO, "fal-ai/veo3.1", "fal-ai/kling-video/v3/pro/text-to-video", "bytedance/seedance-2.0/text-to-video",
            "wan/v2.6/text-to-video", "fal-ai/minimax/hailuo-02/standard/text-to-video"} <= set(models)
    veo = models[VEO]
    assert veo["durations"] == ["4", "6", "8"] and veo["features"]["last_frame"] and veo["features"]["extend"]
    assert [p["id"] for p in providers["providers"]] == ["fal"]  # a key configured: no emulator


async def test_a_fal_video_is_made_downloaded_and_continued_natively(client, user_headers, fal: RunningFal):
    body = {"prompt": "a kite over the sea", "model": VEO, "seconds": "4", "aspect_ratio": "9:16"}
    video = (await client.post("/api/videos", json=body, headers=user_headers)).json()
    assert video["provider"] == "fal" and video["size"] == "720x1280" and video["cost"] == 0.6, video
    done = await wait_for_video(client, user_headers, video["id"], timeout=40)
    assert done["status"] == "completed" and done["download_state"] == "done", done
    assert done["provider_video_id"].startswith("fal-ai/veo3.1/")
    more = await client.post(f"/api/videos/{video['id']}/continue", json={"prompt": "and further"},
                             headers=user_headers)
    assert more.status_code == 200, more.text
    extended = await wait_for_video(client, user_headers, more.json()["id"], timeout=40)
    assert extended["status"] == "completed", extended
    request_id = extended["provider_video_id"].rsplit("/", 1)[1]
    assert fal.emulator._jobs[request_id].endpoint == f"{VEO}/extend-video"  # noqa: SLF001
