"""Requests the real API rejected are rejected here too, with its status, envelope and message."""

from __future__ import annotations

import httpx
import openai
import pytest
from openai.types import Video

from tests.emulator.helpers import Emulator, image_bytes, make_config, running_emulator, sdk_client

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API is scheduled:DeprecationWarning")


async def test_reference_of_the_wrong_pixel_size_gets_the_real_inpaint_message(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.videos.create(prompt="p", size="720x1280",
                                            input_reference=("ref.png", image_bytes(1280, 720), "image/png"))
    assert error.value.body == {"message": "Inpaint image must match the requested width and height",
                                "type": "invalid_request_error", "param": None, "code": None}
    assert (await emulator.stats())["jobs_created"] == 0


async def test_reference_that_is_not_an_image_is_rejected(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.videos.create(prompt="p", input_reference=("ref.png", b"%PDF-1.4 not a picture",
                                                                         "image/png"))
    assert error.value.param == "input_reference" and "Supported formats" in error.value.body["message"]


async def test_integer_seconds_in_json_gets_the_invalid_type_message(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.post("/videos", cast_to=Video, body={"prompt": "p", "seconds": 8})
    assert error.value.body["message"] == ("Invalid type for 'seconds': expected one of '4', '8', '12', '16', "
                                           "or '20', but got an integer instead.")
    assert (error.value.code, error.value.param) == ("invalid_type", "seconds")


async def test_unsupported_duration_lists_the_supported_values(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.videos.create(prompt="p", seconds="10")  # type: ignore[arg-type]
    assert error.value.body["message"] == ("Invalid value: '10'. Supported values are: '4', '8', '12', '16', "
                                           "and '20'.")


async def test_1080p_is_for_sora_2_pro_only(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.videos.create(prompt="p", model="sora-2", size="1920x1080")  # type: ignore[arg-type]
    assert error.value.body["message"] == ("Invalid value: '1920x1080'. Supported values are: '720x1280' and "
                                           "'1280x720'.")
    video = await emulator.client.videos.create(prompt="p", model="sora-2-pro-2025-10-06",
                                                size="1920x1080")  # type: ignore[arg-type]
    assert (video.model, video.size) == ("sora-2-pro-2025-10-06", "1920x1080")


async def test_unknown_model_missing_prompt_and_unknown_fields(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.videos.create(prompt="p", model="sora-3")
    assert error.value.param == "model" and error.value.code == "invalid_value"
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.post("/videos", cast_to=Video, body={"model": "sora-2"})
    assert error.value.body["message"] == "Missing required parameter: 'prompt'."
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.post("/videos", cast_to=Video, body={"prompt": "p", "fps": 30})
    assert error.value.body["message"] == "Unrecognized request argument supplied: fps"


async def test_bare_string_reference_gets_the_real_invalid_type_messages(emulator: Emulator):
    with pytest.raises(openai.BadRequestError) as error:
        await emulator.client.post("/videos", cast_to=Video,
                                   body={"prompt": "p", "input_reference": "https://example.com/cat.png"})
    assert error.value.body["message"] == ("Invalid type for 'input_reference': expected an object, but got a "
                                           "string instead.")
    assert error.value.code == "invalid_type"
    response = await emulator.http.post("/v1/videos", files={"prompt": (None, "p"),
                                                             "input_reference": (None, "https://x/cat.png")})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == ("Invalid type for 'input_reference': expected a file, but got "
                                                   "a string instead.")


async def test_auth_is_required_and_a_wrong_key_is_named(emulator: Emulator):
    async with httpx.AsyncClient(base_url=emulator.url) as anonymous:
        response = await anonymous.get("/v1/videos")
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("You didn't provide an API key.")
    wrong = sdk_client(emulator.url, api_key="sk-wrong-key-123456")
    with pytest.raises(openai.AuthenticationError) as error:
        await wrong.videos.list()
    assert error.value.code == "invalid_api_key" and "sk-**********3456" in error.value.body["message"]
    await wrong.close()


async def test_unknown_routes_and_bad_query_values_use_the_error_envelope(emulator: Emulator):
    response = await emulator.http.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (GET /v1/nothing-here)"
    video = await emulator.client.videos.create(prompt="p")
    response = await emulator.http.get(f"/v1/videos/{video.id}/content", params={"variant": "gif"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "variant"
    response = await emulator.http.get("/v1/videos", params={"limit": 101})
    assert response.status_code == 400 and response.json()["error"]["param"] == "limit"


async def test_control_routes_need_the_key_only_when_one_is_configured(emulator: Emulator, tmp_path):
    async with httpx.AsyncClient(base_url=emulator.url) as anonymous:
        assert (await anonymous.get("/_emulator/stats")).status_code == 401
    async with running_emulator(make_config(tmp_path / "open", api_key=None)) as open_emulator:
        async with httpx.AsyncClient(base_url=open_emulator.url) as anonymous:
            assert (await anonymous.get("/_emulator/stats")).status_code == 200
            assert (await anonymous.get("/v1/videos")).status_code == 401, "/v1 still wants some bearer"
