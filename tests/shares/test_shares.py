"""Share links through the real app: made by owners, opened with no sign-in, revoked and expired at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sora2.auth.ratelimit_window import WindowLimiter
from sora2.models import ShareLink
from tests.videos.helpers import create_video, wait_for_video


@pytest.fixture
async def finished(client, user_headers) -> dict:
    video = await create_video(client, user_headers, prompt="a paper boat on a pond", seconds="4")
    return await wait_for_video(client, user_headers, video["id"])


def token_of(share: dict) -> str:
    return share["url"].removeprefix("/s/")


async def share(client, headers, **body) -> dict:  # noqa: ANN001
    response = await client.post("/api/shares", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_video_link_needs_no_sign_in_and_tells_nothing_of_the_owner(client, user_headers, finished):
    link = await share(client, user_headers, video_id=finished["id"], show_prompt=True, expires_in_days=7)
    assert link["state"] == "active" and link["kind"] == "video" and link["target"].startswith("a paper boat")
    public = await client.get(f"/api/public/shares/{token_of(link)}")  # no Authorization header
    assert public.status_code == 200, public.text
    body = public.json()
    assert body["videos"][0]["prompt"] == "a paper boat on a pond" and body["videos"][0]["simulated"] is True
    assert "alice" not in public.text and "user_id" not in public.text
    media = body["videos"][0]["media"]["video"]
    ranged = await client.get(media, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100 and ranged.headers["cache-control"] == "no-store"
    full = await client.get(media)
    assert full.status_code == 200 and full.content[4:8] == b"ftyp"
    thumb = await client.get(body["videos"][0]["media"]["thumbnail"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    mine = (await client.get("/api/shares", headers=user_headers)).json()["shares"]
    assert mine[0]["view_count"] == 1 and mine[0]["last_viewed_at"]


async def test_the_page_head_carries_link_preview_tags(client, user_headers, finished):
    hidden = await share(client, user_headers, video_id=finished["id"])
    page = await client.get(hidden["url"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for tag in ('property="og:title"', 'property="og:image"', 'property="og:video"', 'name="twitter:card"',
                'content="video/mp4"', 'property="og:video:width" content="1280"'):
        assert tag in html, tag
    assert f"http://testserver/api/public/shares/{token_of(hidden)}/videos/{finished['id']}/thumbnail" in html
    assert "paper boat" not in html  # the prompt is shown only when the owner chose so
    shown = await share(client, user_headers, video_id=finished["id"], show_prompt=True, title="<Boat & pond>")
    html = (await client.get(shown["url"])).text
    assert "paper boat" in html and "&lt;Boat &amp; pond&gt;" in html and "<Boat" not in html


async def test_revoked_and_expired_links_are_gone_at_once(client, user_headers, finished, ctx):
    link = await share(client, user_headers, video_id=finished["id"])
    token = token_of(link)
    media = (await client.get(f"/api/public/shares/{token}")).json()["videos"][0]["media"]["video"]
    assert (await client.delete(f"/api/shares/{link['id']}", headers=user_headers)).status_code == 200
    for path in (f"/api/public/shares/{token}", media, link["url"]):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/api/shares", headers=user_headers)).json()["shares"][0]["state"] == "revoked"
    expiring = await share(client, user_headers, video_id=finished["id"], expires_in_days=1)
    async with ctx.sessions.begin() as session:
        row = await session.get(ShareLink, expiring["id"])
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert (await client.get(f"/api/public/shares/{token_of(expiring)}")).status_code == 404
    states = {s["id"]: s["state"] for s in (await client.get("/api/shares", headers=user_headers)).json()["shares"]}
    assert states == {link["id"]: "revoked", expiring["id"]: "expired"}


async def test_a_collection_link_shows_its_finished_videos(client, user_headers, finished):
    board = (await client.post("/api/collections", json={"name": "Boats"}, headers=user_headers)).json()
    running = await create_video(client, user_headers, prompt="not finished")
    await client.post(f"/api/collections/{board['id']}/videos", json={"video_ids": [finished["id"], running["id"]]},
                      headers=user_headers)
    link = await share(client, user_headers, collection_id=board["id"], title="Boats")
    assert link["kind"] == "collection" and link["target"] == "Boats"
    body = (await client.get(f"/api/public/shares/{token_of(link)}")).json()
    assert [v["id"] for v in body["videos"]] == [finished["id"]] and body["videos"][0]["prompt"] is None
    other = await create_video(client, user_headers, prompt="outside")
    outside = f"/api/public/shares/{token_of(link)}/videos/{other['id']}/video"
    assert (await client.get(outside)).status_code == 404  # a link shows only what it shares


async def test_bad_input_and_other_users_objects(client, user_headers, admin_headers, finished):
    board = (await client.post("/api/collections", json={"name": "Mine"}, headers=user_headers)).json()
    running = await create_video(client, user_headers, prompt="still going")
    for body, status in (({}, 400), ({"video_id": finished["id"], "collection_id": board["id"]}, 400),
                         ({"video_id": finished["id"], "expires_in_days": 0}, 400),
                         ({"video_id": finished["id"], "expires_in_days": "soon"}, 400),
                         ({"video_id": running["id"]}, 400), ({"video_id": str(uuid.uuid4())}, 404)):
        response = await client.post("/api/shares", json=body, headers=user_headers)
        assert response.status_code == status, (body, response.text)
    for body in ({"video_id": finished["id"]}, {"collection_id": board["id"]}):
        assert (await client.post("/api/shares", json=body, headers=admin_headers)).status_code == 404
    link = await share(client, user_headers, video_id=finished["id"])
    assert (await client.delete(f"/api/shares/{link['id']}", headers=admin_headers)).status_code == 404
    assert (await client.get("/api/admin/shares", headers=user_headers)).status_code == 403
    assert (await client.get(f"/api/public/shares/{uuid.uuid4().hex}")).status_code == 404


async def test_admins_see_and_revoke_every_link(client, user_headers, admin_headers, finished):
    link = await share(client, user_headers, video_id=finished["id"])
    everyone = (await client.get("/api/admin/shares", headers=admin_headers)).json()["shares"]
    assert [(s["id"], s["username"]) for s in everyone] == [(link["id"], "alice")]
    assert (await client.delete(f"/api/admin/shares/{link['id']}", headers=admin_headers)).status_code == 200
    assert (await client.get(f"/api/public/shares/{token_of(link)}")).status_code == 404


async def test_public_requests_are_rate_limited(client, user_headers, finished, ctx):
    link = await share(client, user_headers, video_id=finished["id"])
    ctx.share_limiter = WindowLimiter(3, 60)
    answers = [(await client.get(f"/api/public/shares/{token_of(link)}")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = await client.get(link["url"])
    assert limited.status_code == 429 and "Try again shortly" in limited.text
