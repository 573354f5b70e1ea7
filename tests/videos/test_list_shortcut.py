"""A cached list page is answered before routing (sora2.videos.list_shortcut): with the route's very bytes and
headers, and never to a caller the route itself would turn away."""

from __future__ import annotations

from tests.conftest import login

FULL_ROUTE = {"status", "content-type", "content-length", "x-content-type-options", "content-security-policy"}


def list_scope(app, headers: dict[str, str], query: bytes = b"", method: str = "GET") -> dict:  # noqa: ANN001
    return {"type": "http", "method": method, "path": "/api/videos", "query_string": query, "app": app.fastapi,
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}


async def test_a_cached_page_is_answered_with_the_routes_bytes_and_headers(app, client, user_headers):  # noqa: ANN001
    from sora2.videos.list_shortcut import cached_page

    assert cached_page(list_scope(app, user_headers)) is None  # nothing cached yet: the route builds it
    built = await client.get("/api/videos", headers=user_headers)
    assert built.status_code == 200
    assert cached_page(list_scope(app, user_headers)) == built.content
    assert cached_page(list_scope(app, user_headers, b"limit=5")) is None  # another page, another build
    served = await client.get("/api/videos", headers=user_headers)
    assert served.content == built.content
    for name in FULL_ROUTE - {"status"}:
        assert served.headers.get(name) == built.headers.get(name), name
    metrics = (await client.get("/metrics")).text  # both answers counted under the route's template
    assert 'sora2_http_request_seconds_count{method="GET",route="/api/videos"} 2.0' in metrics


async def test_requests_the_route_must_judge_are_passed_to_it(app, client, user_headers):  # noqa: ANN001
    from sora2.videos.list_shortcut import cached_page

    assert (await client.get("/api/videos", headers=user_headers)).status_code == 200
    token = user_headers["Authorization"].removeprefix("Bearer ")
    assert cached_page(list_scope(app, user_headers, method="HEAD")) is None
    assert cached_page(list_scope(app, {"Authorization": f"Token {token}"})) is None
    assert cached_page(list_scope(app, {"Authorization": f"Bearer {token}x"})) is None
    assert cached_page(list_scope(app, user_headers, b"limit=nope")) is None
    bad = await client.get("/api/videos?limit=nope", headers=user_headers)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_integer"
    assert (await client.get("/api/videos", headers={"Authorization": f"Bearer {token}x"})).status_code == 401


async def test_a_revoked_api_token_is_refused_though_its_owners_page_is_cached(client, user_headers):  # noqa: ANN001
    created = await client.post("/api/tokens", json={"name": "agent", "scopes": ["read"]}, headers=user_headers)
    assert created.status_code == 201, created.text
    api_headers = {"Authorization": f"Bearer {created.json()['token']}"}
    assert (await client.get("/api/videos", headers=api_headers)).status_code == 200
    assert (await client.get("/api/videos", headers=user_headers)).status_code == 200  # the page is cached
    revoked = await client.delete(f"/api/tokens/{created.json()['id']}", headers=user_headers)
    assert revoked.status_code == 200
    assert (await client.get("/api/videos", headers=api_headers)).status_code == 401
    assert (await client.get("/api/videos", headers=user_headers)).status_code == 200


async def test_a_disabled_user_is_refused_though_their_page_is_cached(client, admin_headers):  # noqa: ANN001
    made = await client.post("/api/admin/users", json={"username": "bob", "password": "password-123"},
                             headers=admin_headers)
    bob = {"Authorization": f"Bearer {await login(client, 'bob', 'password-123')}"}
    assert (await client.get("/api/videos", headers=bob)).status_code == 200
    assert (await client.get("/api/videos", headers=bob)).status_code == 200
    disabled = await client.patch(f"/api/admin/users/{made.json()['user']['id']}", json={"disabled": True},
                                  headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert (await client.get("/api/videos", headers=bob)).status_code in (401, 403)
