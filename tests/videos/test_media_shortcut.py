"""A player's seeks are answered before routing (sora2.videos.media_shortcut): with the route's bytes and headers,
and never to a caller, link or query the route itself would turn away or explain."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import login
from tests.videos.helpers import video_with_bytes

SAME = ("content-type", "content-length", "content-range", "etag", "accept-ranges", "cache-control",
        "content-disposition", "x-content-type-options", "content-security-policy")


def media_scope(app, url: str, headers: dict[str, str] | None = None, method: str = "GET") -> dict:  # noqa: ANN001
    parts = urlsplit(url)
    return {"type": "http", "method": method, "path": parts.path, "query_string": parts.query.encode(),
            "app": app.fastapi, "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}


async def answered(app, url: str, headers: dict[str, str] | None = None, method: str = "GET") -> bool:  # noqa: ANN001
    from sora2.videos.media_shortcut import shortcut_answer

    return await shortcut_answer(media_scope(app, url, headers, method)) is not None


@pytest.fixture
async def video(client, user_headers, ctx) -> tuple[dict, bytes]:  # noqa: ANN001
    """A completed video whose stored MP4 is 2 MiB of known bytes."""
    return await video_with_bytes(client, user_headers, ctx, 2 * 2**20)


async def api_token(client, user_headers) -> dict[str, str]:  # noqa: ANN001
    created = await client.post("/api/tokens", json={"name": "player", "scopes": ["read"]}, headers=user_headers)
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['token']}"}


async def test_seeks_get_the_routes_bytes_and_headers(app, client, user_headers, video):  # noqa: ANN001
    record, data = video
    content = f"/api/videos/{record['id']}/content"
    token = user_headers["Authorization"].removeprefix("Bearer ")
    seek = {"Range": "bytes=1048570-1048679"}
    # An API token is always judged by the route: its answer is what the shortcut's must equal.
    routed = await client.get(f"{content}?download=1", headers={**await api_token(client, user_headers), **seek})
    assert not await answered(app, content, await api_token(client, user_headers))
    assert routed.status_code == 206 and routed.content == data[1048570:1048680]
    for url, headers in ((f"{content}?download=1", user_headers), (f"{content}?token={token}&download=true", {}),
                         (record["media"]["video"] + "&download=1", {})):
        assert await answered(app, url, headers), url
        served = await client.get(url, headers={**headers, **seek})
        assert served.status_code == 206 and served.content == routed.content, url
        for name in SAME:
            assert served.headers.get(name) == routed.headers.get(name), (url, name)
    head = await client.head(record["media"]["thumbnail"])
    assert await answered(app, record["media"]["thumbnail"], method="HEAD")
    assert head.status_code == 200 and head.headers["content-type"] == "image/webp"
    metrics = (await client.get("/metrics")).text  # counted under the routes' templates, not as "unmatched"
    assert 'sora2_http_request_seconds_count{method="GET",route="/api/media/{video_id}/{variant}"} 1.0' in metrics
    assert 'sora2_http_request_seconds_count{method="GET",route="/api/videos/{video_id}/content"} 3.0' in metrics
    assert 'route="unmatched"' not in metrics


async def test_what_the_route_must_judge_or_explain_is_passed_to_it(app, client, user_headers, video):  # noqa: ANN001
    record, _ = video
    content = f"/api/videos/{record['id']}/content"
    signed = record["media"]["video"]
    token = user_headers["Authorization"].removeprefix("Bearer ")
    refused = {  # url, headers -> the route's status and code
        (f"{content}?token={token}x", ""): (401, "invalid_token"),
        (content, "Token " + token): (401, "no_token"),
        (f"{content}?download=maybe", user_headers["Authorization"]): (400, "invalid_request"),
        (f"{content}?variant=poster", user_headers["Authorization"]): (400, "invalid_variant"),
        (signed.replace("sig=", "sig=0"), ""): (403, "bad_signature"),
        (signed.replace("/video?", "/poster?"), ""): (400, "invalid_request"),
        (signed.replace(record["id"], "nope"), ""): (403, "bad_signature"),
        (f"/api/videos/nope/content?token={token}", ""): (404, None),
    }
    for (url, authorization), (status, code) in refused.items():
        headers = {"Authorization": authorization} if authorization else {}
        assert not await answered(app, url, headers), url
        response = await client.get(url, headers=headers)
        assert response.status_code == status and "error" in response.json(), (url, response.text)
        assert code is None or response.json().get("code") == code, (url, response.text)
    unsatisfiable = {**user_headers, "Range": "bytes=99999999-"}
    assert not await answered(app, content, unsatisfiable)
    too_far = await client.get(content, headers=unsatisfiable)
    assert too_far.status_code == 416 and too_far.headers["content-range"] == f"bytes */{2 * 2**20}"
    assert too_far.json()["error"] == "Range 'bytes=99999999-' is outside the file (the file has 2097152 bytes)"


async def test_another_users_token_and_a_disabled_owners_are_refused(app, client, admin_headers, user_headers,  # noqa: ANN001
                                                                    video):
    record, _ = video
    content = f"/api/videos/{record['id']}/content"
    made = await client.post("/api/admin/users", json={"username": "eve", "password": "password-123"},
                             headers=admin_headers)
    assert made.status_code in (200, 201), made.text
    eve = {"Authorization": f"Bearer {await login(client, 'eve', 'password-123')}"}
    assert (await client.get("/api/videos", headers=eve)).status_code == 200  # her token is now known here
    assert not await answered(app, content, eve)
    assert (await client.get(content, headers=eve)).status_code == 403
    assert await answered(app, content, user_headers)
    owner = (await client.get("/api/auth/me", headers=user_headers)).json()["user"]["id"]
    disabled = await client.patch(f"/api/admin/users/{owner}", json={"disabled": True}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert not await answered(app, content, user_headers)
    assert (await client.get(content, headers=user_headers)).status_code in (401, 403)
