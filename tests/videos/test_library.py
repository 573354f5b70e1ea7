"""Stars, filters and sort, variations, bulk actions and ZIP downloads, through the real app."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import av
import pytest

from sora2.models import Video
from sora2.videos.batch import seed_for
from sora2.videos.money import charged_amount
from sora2.videos.options import MAX_SEED
from sora2.videos.repository import VideoRepository
from tests.conftest import make_user
from tests.fixtures.media import png_bytes
from tests.videos.helpers import create_video, wait_for_video


async def ids(client, headers, query: str = "") -> list[str]:  # noqa: ANN001
    response = await client.get(f"/api/videos{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [v["id"] for v in response.json()["videos"]]


async def test_star_filter_and_others_get_404(client, user_headers, admin_headers):
    first = await create_video(client, user_headers, prompt="first")
    second = await create_video(client, user_headers, prompt="second")
    starred = await client.put(f"/api/videos/{first['id']}/favourite", headers=user_headers)
    assert starred.status_code == 200 and starred.json()["favourite"] is True
    assert await ids(client, user_headers, "?favourite=true") == [first["id"]]
    assert await ids(client, user_headers, "?favourite=false") == [second["id"]]
    assert (await client.get("/api/videos?favourite=maybe", headers=user_headers)).status_code == 400
    # Someone else's video: not found, exactly like an id that does not exist.
    for path in (f"/api/videos/{first['id']}/favourite", f"/api/videos/{uuid.uuid4()}/favourite"):
        response = await client.put(path, headers=admin_headers)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    unstarred = await client.delete(f"/api/videos/{first['id']}/favourite", headers=user_headers)
    assert unstarred.json()["favourite"] is False
    assert await ids(client, user_headers, "?favourite=true") == []  # the cached page was dropped


async def test_sort_orders_and_date_range(client, user_headers, ctx):
    short = await create_video(client, user_headers, prompt="short", seconds="4")
    long = await create_video(client, user_headers, prompt="long", seconds="12")
    old = await create_video(client, user_headers, prompt="old", seconds="8")
    async with ctx.sessions.begin() as session:  # back-date one video to test the range
        video = await session.get(Video, old["id"])
        video.created_at = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert await ids(client, user_headers) == [long["id"], short["id"], old["id"]]
    assert await ids(client, user_headers, "?sort=oldest") == [old["id"], short["id"], long["id"]]
    assert (await ids(client, user_headers, "?sort=duration"))[0] == long["id"]
    assert await ids(client, user_headers, "?from=2026-01-15&to=2026-01-15") == [old["id"]]
    assert await ids(client, user_headers, "?to=2026-01-14") == []
    since = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    assert set(await ids(client, user_headers, f"?from={since}")) == {short["id"], long["id"]}
    for bad in ("?sort=price", "?from=yesterday", "?from=2026-02-01&to=2026-01-01"):
        response = await client.get(f"/api/videos{bad}", headers=user_headers)
        assert response.status_code == 400 and response.json()["code"].startswith("invalid_"), bad


async def test_variations_are_separate_jobs_in_one_batch(client, user_headers):
    headers = {**user_headers, "Idempotency-Key": "batch-key-1"}
    body = {"prompt": "a fox in snow", "seconds": "4", "count": 3}
    response = await client.post("/api/videos/batch", json=body, headers=headers)
    assert response.status_code == 200, response.text
    batch = response.json()
    videos = batch["videos"]
    assert len(videos) == 3 and len({v["id"] for v in videos}) == 3
    assert {v["batch_id"] for v in videos} == {batch["batch_id"]}
    assert [v["prompt"] for v in videos] == ["a fox in snow"] * 3
    assert batch["estimated_total"] == round(sum(v["cost"] for v in videos), 2)
    # Sending the same batch again (a lost answer) makes nothing new.
    again = (await client.post("/api/videos/batch", json=body, headers=headers)).json()
    assert [v["id"] for v in again["videos"]] == [v["id"] for v in videos] and again["batch_id"] == batch["batch_id"]
    assert sorted(await ids(client, user_headers, f"?batch={batch['batch_id']}")) == sorted(v["id"] for v in videos)
    assert len(await ids(client, user_headers)) == 3
    for count in (0, 5, "two", True):
        bad = await client.post("/api/videos/batch", json={**body, "count": count}, headers=user_headers)
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_count", count


def test_a_given_seed_varies_per_variation():
    # The same seed would make the same video three times; seed + i keeps them reproducible and different.
    assert [seed_for(7, i) for i in range(3)] == [7, 8, 9]
    assert seed_for(None, 2) is None and seed_for(MAX_SEED, 1) == 0


async def test_variations_with_an_image_each_get_the_reference(client, user_headers):
    files = {"input_reference": ("ref.png", png_bytes(640, 360), "image/png")}
    data = {"prompt": "a boat", "seconds": "4", "size": "1280x720", "count": "2"}
    response = await client.post("/api/videos/batch", data=data, files=files, headers=user_headers)
    assert response.status_code == 200, response.text
    assert all(v["has_input_reference"] and v["media"]["reference"] for v in response.json()["videos"])


async def test_bulk_actions_report_foreign_ids_as_not_found(client, user_headers, admin_headers):
    mine = [await create_video(client, user_headers, prompt=f"mine {i}") for i in range(3)]
    theirs = await create_video(client, admin_headers, prompt="not yours")
    wanted = [mine[0]["id"], mine[1]["id"], theirs["id"]]
    response = await client.post("/api/videos/bulk", json={"action": "favourite", "video_ids": wanted},
                                 headers=user_headers)
    assert response.status_code == 200, response.text
    assert response.json()["done"] == wanted[:2] and response.json()["not_found"] == [theirs["id"]]
    assert sorted(await ids(client, user_headers, "?favourite=true")) == sorted(wanted[:2])
    assert (await client.get(f"/api/videos/{theirs['id']}", headers=admin_headers)).json()["favourite"] is False
    deleted = await client.post("/api/videos/bulk", json={"action": "delete", "video_ids": wanted},
                                headers=user_headers)
    assert deleted.json()["done"] == wanted[:2]
    assert await ids(client, user_headers) == [mine[2]["id"]]
    assert (await client.get(f"/api/videos/{theirs['id']}", headers=admin_headers)).status_code == 200
    for body, code in (({"action": "explode", "video_ids": [mine[2]["id"]]}, "invalid_action"),
                       ({"action": "delete", "video_ids": []}, "invalid_video_ids"),
                       ({"action": "delete", "video_ids": "abc"}, "invalid_video_ids"),
                       ({"action": "add_to_collection", "video_ids": [mine[2]["id"]]}, "collection_required")):
        bad = await client.post("/api/videos/bulk", json=body, headers=user_headers)
        assert bad.status_code == 400 and bad.json()["code"] == code, body


async def test_zip_of_selected_videos_streams_real_mp4s(client, user_headers, admin_headers):
    made = [await create_video(client, user_headers, prompt=f"clip number {i}", seconds="4") for i in range(2)]
    done = [await wait_for_video(client, user_headers, v["id"]) for v in made]
    pending = await create_video(client, user_headers, prompt="still going")
    response = await client.post("/api/videos/archive", headers=user_headers,
                                 json={"video_ids": [v["id"] for v in done] + [pending["id"]]})
    assert response.status_code == 200, response.text
    prepared = response.json()
    assert prepared["count"] == 2 and prepared["skipped"] == [pending["id"]]
    download = await client.get(prepared["url"])  # no token: the URL is signed
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert int(download.headers["content-length"]) == prepared["bytes"] == len(download.content)
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(n.startswith("clip-number-") and n.endswith(".mp4") for n in names)
        for name in names:
            with av.open(io.BytesIO(archive.read(name))) as container:
                assert container.streams.video[0].codec_context.name == "h264"
    tampered = prepared["url"].replace("sig=", "sig=0")
    assert (await client.get(tampered)).status_code == 403
    other = await client.post("/api/videos/archive", json={"video_ids": [done[0]["id"]]}, headers=admin_headers)
    assert other.status_code == 404
    not_ready = await client.post("/api/videos/archive", json={"video_ids": [pending["id"]]}, headers=user_headers)
    assert not_ready.status_code == 400 and not_ready.json()["code"] == "not_ready"


@pytest.mark.parametrize("provider, job, status, actual, expected", [
    ("emulator", "job-1", "completed", None, 0.0),       # simulated: never charged
    ("openai", None, "failed", None, 0.0),               # never accepted by the provider
    ("openai", "job-2", "in_progress", None, 0.0),       # not finished: nothing charged yet
    ("openai", "job-3", "completed", None, 0.8),         # finished, no report: the estimate
    ("openai", "job-4", "completed", 0.55, 0.55),        # the provider's own figure
    ("openai", "job-5", "failed", 0.1, 0.1),             # a provider that charged for a failure says so
])
async def test_charged_rule_is_the_same_in_records_and_totals(ctx, client, admin_headers, provider, job, status,
                                                               actual, expected):
    alice = await make_user(client, admin_headers, "carol")
    me = (await client.get("/api/auth/me", headers=alice)).json()["user"]
    async with ctx.sessions.begin() as session:
        video = Video(id=str(uuid.uuid4()), user_id=me["id"], provider=provider, provider_video_id=job,
                      model="sora-2", prompt="p", size="1280x720", seconds="8", status=status, cost=0.8,
                      actual_cost=actual, created_at=datetime.now(UTC))
        session.add(video)
    assert charged_amount(video) == expected
    async with ctx.sessions.begin() as session:
        totals = await VideoRepository(session).cost_totals(me["id"])
    assert totals["charged"] == expected and totals["estimated"] == 0.8
    record = (await client.get(f"/api/videos/{video.id}", headers=alice)).json()
    stats = (await client.get("/api/videos/stats/costs", headers=alice)).json()
    assert record["charged"] == stats["user_charged"] == stats["user_total"] == expected
