"""The list cache's own rules: versions outdate pages, clear() outdates every page (even one being built), and a
suspended cache neither serves nor stores; concurrent misses of one page share one build."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from sora2.videos.listcache import ListCache

PARAMS = (50, 0, None, None, None)


def test_clear_forgets_every_page_and_refuses_pages_built_before_it():
    cache = ListCache(3600)
    cache.put("u1", PARAMS, cache.version("u1"), b"u1 page")
    cache.put("u2", PARAMS, cache.version("u2"), b"u2 page")
    building = cache.version("u1")  # a request started reading the database here
    cache.clear()
    assert cache.get("u1", PARAMS) is None and cache.get("u2", PARAMS) is None
    cache.put("u1", PARAMS, building, b"read before clear")
    assert cache.get("u1", PARAMS) is None
    cache.put("u1", PARAMS, cache.version("u1"), b"fresh")
    assert cache.get("u1", PARAMS) == b"fresh"
    cache.invalidate("u1")  # a user's own invalidation still works after a clear
    assert cache.get("u1", PARAMS) is None


def test_a_suspended_cache_serves_and_stores_nothing():
    cache = ListCache(3600)
    cache.put("u1", PARAMS, cache.version("u1"), b"page")
    cache.suspended = True
    assert cache.get("u1", PARAMS) is None
    cache.put("u1", PARAMS, cache.version("u1"), b"other page")
    cache.suspended = False
    assert cache.get("u1", PARAMS) == b"page"


async def test_concurrent_misses_of_one_page_run_its_query_once(client, ctx, user_headers):  # noqa: ANN001
    listed: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:  # noqa: ANN001
        if "FROM videos" in statement and "ORDER BY" in statement:
            listed.append(statement)

    event.listen(ctx.engine.sync_engine, "before_cursor_execute", record)
    try:
        assert (await client.get("/api/videos", headers=user_headers)).status_code == 200
        ctx.list_cache.clear()  # what a reconnect to the other instances does: every page is a miss again
        listed.clear()
        answers = await asyncio.gather(*(client.get("/api/videos", headers=user_headers) for _ in range(16)))
        assert {a.status_code for a in answers} == {200} and len({a.content for a in answers}) == 1
        assert len(listed) == 1
        other = await asyncio.gather(*(client.get("/api/videos?limit=5", headers=user_headers) for _ in range(4)))
        assert {a.status_code for a in other} == {200} and len(listed) == 2  # another page is another build
    finally:
        event.remove(ctx.engine.sync_engine, "before_cursor_execute", record)
