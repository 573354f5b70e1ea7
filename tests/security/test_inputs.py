"""Every hand-made input from issue #14 that used to reach a 500 is now a clear 400 (or the documented 4xx)."""

from __future__ import annotations

import time

import pytest

from tests.fixtures.media import png_bytes
from tests.videos.helpers import create_video, wait_for_video

JSON = {"content-type": "application/json"}
# Raw JSON text: the escape stays an escape until the server parses it into a lone surrogate.
LONE_SURROGATE = "\\ud800"
DEEP = b"[" * 100_000 + b"]" * 100_000


def assert_client_error(response, status: int = 400, code: str | None = None) -> None:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    if code:
        assert body["code"] == code, body


@pytest.fixture
async def video_id(client, user_headers) -> str:
    return (await create_video(client, user_headers))["id"]


async def test_a_lone_surrogate_at_sign_in_is_a_400_before_any_check(client):
    body = f'{{"username":"{LONE_SURROGATE}","password":"x"}}'
    response = await client.post("/api/auth/login", content=body, headers=JSON)
    assert_client_error(response, code="invalid_text")
    assert "surrogate" in response.json()["error"]


@pytest.mark.parametrize("path, field", [
    ("/api/videos", "prompt"), ("/api/videos/{id}/remix", "prompt"), ("/api/videos/{id}/continue", "prompt"),
    ("/api/admin/users", "password"), ("/api/tokens", "name"),
])
async def test_a_lone_surrogate_anywhere_else_is_a_400(client, admin_headers, video_id, path, field):
    body = f'{{"username": "zed", "{field}": "a{LONE_SURROGATE}b"}}'
    response = await client.post(path.format(id=video_id), content=body, headers={**JSON, **admin_headers})
    assert_client_error(response, code="invalid_text")


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/auth/login"), ("POST", "/api/videos"), ("POST", "/api/videos/{id}/remix"),
    ("POST", "/api/videos/{id}/continue"), ("POST", "/api/tokens"), ("POST", "/api/admin/users"),
    ("POST", "/api/admin/change-password"), ("PATCH", "/api/admin/users/{id}"),
])
async def test_100k_nested_brackets_are_a_400_on_every_json_route(client, admin_headers, video_id, method, path):
    response = await client.request(method, path.format(id=video_id), content=DEEP,
                                    headers={**JSON, **admin_headers})
    assert_client_error(response, code="too_deep")


async def test_nesting_is_limited_even_where_the_parser_would_cope(client):
    deep_but_parseable = b'{"username":' + b"[" * 40 + b"]" * 40 + b', "password": "x"}'
    assert_client_error(await client.post("/api/auth/login", content=deep_but_parseable, headers=JSON),
                        code="too_deep")


@pytest.mark.parametrize("number", [b"1" * 5000, b"1" * 19, b"1e400", b"-1e400", b"NaN", b"Infinity"])
async def test_numbers_that_no_column_can_hold_are_a_400(client, user_headers, number):
    body = b'{"prompt": "a kite", "seconds": "4", "seed": ' + number + b"}"
    response = await client.post("/api/videos", content=body, headers={**JSON, **user_headers})
    assert_client_error(response, code="invalid_number")


async def test_a_body_over_the_json_limit_is_a_413(client, user_headers, settings):
    body = b'{"prompt": "' + b"a" * settings.max_json_bytes + b'"}'
    response = await client.post("/api/videos", content=body, headers={**JSON, **user_headers})
    assert_client_error(response, 413, code="payload_too_large")


async def test_nul_is_refused_in_json_forms_multipart_query_and_path(client, user_headers):
    nul_json = await client.post("/api/videos", json={"prompt": "a\x00b"}, headers=user_headers)
    assert_client_error(nul_json, code="invalid_text")
    nul_form = await client.post("/api/auth/login", data={"username": "a\x00b", "password": "x"})
    assert_client_error(nul_form, code="invalid_text")
    nul_multipart = await client.post("/api/videos", data={"prompt": "a\x00b"},
                                      files={"input_reference": ("a.png", png_bytes(), "image/png")},
                                      headers=user_headers)
    assert_client_error(nul_multipart, code="invalid_text")
    assert_client_error(await client.get("/api/videos?q=a%00b", headers=user_headers), code="invalid_text")
    assert_client_error(await client.get("/api/videos/a%00b", headers=user_headers), code="invalid_text")


async def test_an_idempotency_key_longer_than_its_column_is_a_400(client, user_headers):
    response = await client.post("/api/videos", json={"prompt": "a kite"},
                                 headers={**user_headers, "Idempotency-Key": "k" * 256})
    assert_client_error(response, code="invalid_idempotency_key")


@pytest.mark.parametrize("ratio", ["²:9", "9" * 5000 + ":9", "0:9"])
async def test_aspect_ratios_that_are_not_small_numbers_are_a_400(client, user_headers, ratio):
    response = await client.post("/api/videos", json={"prompt": "a kite", "aspect_ratio": ratio, "resolution": "720p"},
                                 headers=user_headers)
    assert_client_error(response)


async def test_patching_a_user_takes_documented_types_only(client, admin_headers, user_headers):
    users = (await client.get("/api/admin/users", headers=admin_headers)).json()["users"]
    alice = next(u for u in users if u["username"] == "alice")
    for body in ({"disabled": 0}, {"disabled": "true"}, {"role": 1}, {"password": 123456789012345}):
        response = await client.patch(f"/api/admin/users/{alice['id']}", json=body, headers=admin_headers)
        assert_client_error(response, code="invalid_field")
    assert (await client.get("/api/auth/me", headers=user_headers)).status_code == 200  # nothing changed


async def test_screenshots_count_outside_1_to_10_is_a_400(client, user_headers, video_id):
    for count in ("1000", "0", "-1", "abc", "9" * 5000):
        response = await client.get(f"/api/videos/{video_id}/screenshots?count={count}", headers=user_headers)
        assert_client_error(response)


async def test_range_numbers_of_thousands_of_digits_are_answered_not_crashed(client, user_headers):
    video = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"])
    url = f"/api/videos/{video['id']}/content"
    size = int((await client.head(url, headers=user_headers)).headers["content-length"])
    open_ended = await client.get(url, headers={**user_headers, "Range": "bytes=0-" + "9" * 5000})
    assert open_ended.status_code == 206 and int(open_ended.headers["content-length"]) == size
    suffix = await client.get(url, headers={**user_headers, "Range": "bytes=-" + "9" * 5000})
    assert suffix.status_code == 206
    past_the_end = await client.get(url, headers={**user_headers, "Range": "bytes=" + "9" * 5000 + "-"})
    assert_client_error(past_the_end, 416)
    assert len(past_the_end.json()["error"]) < 300


async def test_a_signed_media_url_cannot_outlive_the_servers_maximum(client, ctx, user_headers):
    video = await wait_for_video(client, user_headers, (await create_video(client, user_headers))["id"])
    signer = ctx.signer
    ten_years = int(time.time()) + 10 * 365 * 24 * 3600
    signature = signer._signature(video["id"], "thumbnail", ten_years)  # what a leaked key could make
    forged = f"/api/media/{video['id']}/thumbnail?exp={ten_years}&sig={signature}"
    assert_client_error(await client.get(forged), 403, code="bad_signature")
    issued = video["media"]["thumbnail"]
    assert (await client.get(issued)).status_code == 200
    for exp in ("²", "9" * 5000):
        assert_client_error(await client.get(f"/api/media/{video['id']}/thumbnail?exp={exp}&sig=x"), 403)


async def test_tokens_that_are_not_storable_text_are_refused_like_any_bad_token(ctx):
    """Socket.IO's auth payload is JSON: a token there can hold a lone surrogate or a NUL, which REST headers
    cannot."""
    from sora2.auth.resolve import resolve_principal
    from sora2.errors import Unauthorized

    for token in ("s2p_\ud800", "eyJ\x00abc", "x" * 5000):
        with pytest.raises(Unauthorized):
            await resolve_principal(ctx, token)
