"""The list cache's own rules: versions outdate pages, clear() outdates every page (even one being built), and a
suspended cache neither serves nor stores."""

from __future__ import annotations

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
