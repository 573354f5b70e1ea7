from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.fixtures.media import png_bytes
from tests.videos.helpers import create_video, wait_for_video


async def test_json_create_uses_the_original_defaults(client, user_headers):
    response = await client.post("/api/videos", json={"prompt": "a lighthouse at dusk"}, headers=user_headers)
    assert response.status_code == 200, response.text
    video = response.json()
    assert (video["model"], video["size"], video["seconds"]) == ("sora-2", "1280x720", "8")
    assert video["status"] == "queued" and video["progress"] == 0
    assert video["emulated"] is True and video["provider"] == "emulator"
    assert video["cost"] == 0.0 and video["charged"] == 0.0 and isinstance(video["created_at"], int)  # simulated


@pytest.mark.parametrize(("fields", "message"), [
    ({"model": "veo-9"}, "Unknown model 'veo-9'. Allowed: sora-2, sora-2-pro"),
    ({"size": "1920x1080"}, "Size '1920x1080' is not supported by sora-2. Allowed: 1280x720, 720x1280"),
    ({"seconds": "6"}, "Duration '6' is not supported by sora-2. Allowed: 4, 8, 12, 16, 20"),
])
async def test_unknown_model_size_or_seconds_name_the_allowed_values(client, user_headers, fields, message):
    response = await client.post("/api/videos", json={"prompt": "x", **fields}, headers=user_headers)
    assert response.status_code == 400
    assert response.json()["error"] == message


@pytest.mark.parametrize("body", [{}, {"prompt": ""}, {"prompt": "   "}, {"prompt": 5}])
async def test_prompt_is_required(client, user_headers, body):
    response = await client.post("/api/videos", json=body, headers=user_headers)
    assert response.status_code == 400 and response.json()["error"] == "Prompt is required"


async def test_numeric_seconds_are_accepted(client, user_headers):
    video = await create_video(client, user_headers, seconds=4)
    assert video["seconds"] == "4"


async def test_multipart_with_image_is_fitted_to_the_exact_size(client, user_headers):
    files = {"input_reference": ("ref.png", png_bytes(300, 100), "image/png")}
    data = {"prompt": "a red square comes alive", "model": "sora-2", "size": "720x1280", "seconds": "4",
            "image_fit": "crop"}
    response = await client.post("/api/videos", data=data, files=files, headers=user_headers)
    assert response.status_code == 200, response.text
    video = response.json()
    assert video["has_input_reference"] is True
    refs = (await client.get(f"/api/videos/{video['id']}/reference-images", headers=user_headers)).json()
    assert refs["images"][0]["filename"].endswith("_first.jpg") and refs["images"][0]["mimeType"] == "image/jpeg"
    import base64
    image = Image.open(io.BytesIO(base64.b64decode(refs["images"][0]["data"])))
    assert image.size == (720, 1280)


async def test_non_image_upload_is_415(client, user_headers):
    files = {"input_reference": ("notes.png", b"this is plain text, not a picture", "image/png")}
    response = await client.post("/api/videos", data={"prompt": "x"}, files=files, headers=user_headers)
    assert response.status_code == 415
    assert "not an image" in response.json()["error"]


async def test_oversized_upload_is_413(client, user_headers, settings):
    big = b"\x89PNG\r\n\x1a\n" + b"0" * (settings.max_upload_bytes + 10)
    files = {"input_reference": ("big.png", big, "image/png")}
    response = await client.post("/api/videos", data={"prompt": "x"}, files=files, headers=user_headers)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


async def test_wrong_size_reference_without_fitting_is_a_clear_400(client, user_headers):
    files = {"input_reference": ("ref.png", png_bytes(64, 48), "image/png")}
    data = {"prompt": "x", "size": "1280x720", "image_fit": "none"}
    response = await client.post("/api/videos", data=data, files=files, headers=user_headers)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Reference image is 64x48 but the video is 1280x720")


async def test_unsupported_content_type_is_415(client, user_headers):
    response = await client.post("/api/videos", content=b"prompt", headers={**user_headers,
                                                                             "content-type": "text/plain"})
    assert response.status_code == 415


async def test_idempotency_key_returns_the_same_video_and_one_provider_job(client, user_headers, emulator_headers):
    headers = {**user_headers, "Idempotency-Key": "submit-1"}
    first = (await client.post("/api/videos", json={"prompt": "once", "seconds": "4"}, headers=headers)).json()
    second = (await client.post("/api/videos", json={"prompt": "once", "seconds": "4"}, headers=headers)).json()
    assert first["id"] == second["id"]
    await wait_for_video(client, user_headers, first["id"])
    listed = (await client.get("/api/videos", headers=user_headers)).json()
    assert listed["total"] == 1
    stats = (await client.get("/emulator/_emulator/stats", headers=emulator_headers)).json()
    assert stats["jobs_created"] == 1


async def test_server_keeps_serving_after_bad_input(client, user_headers):
    await client.post("/api/videos", content=b"{{{", headers={**user_headers, "content-type": "application/json"})
    await client.get("/api/videos/x/content", headers={**user_headers, "Range": "bytes=abc"})
    assert (await client.get("/healthz")).status_code == 200


async def test_mounted_emulator_refuses_callers_without_its_key(client, user_headers):
    await create_video(client, user_headers, prompt="a private prompt")
    for path in ("/emulator/v1/videos", "/emulator/_emulator/stats"):
        for headers in ({}, user_headers, {"Authorization": "Bearer guess"}):
            response = await client.get(path, headers=headers)
            assert response.status_code == 401, (path, response.text)
            assert "a private prompt" not in response.text


async def test_concurrent_requests_with_one_idempotency_key_make_one_video(client, user_headers):
    import asyncio

    headers = {**user_headers, "Idempotency-Key": "double-click"}
    responses = await asyncio.gather(*(client.post("/api/videos", json={"prompt": "once only", "seconds": "4"},
                                                   headers=headers) for _ in range(4)))
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert (await client.get("/api/videos", headers=user_headers)).json()["total"] == 1
