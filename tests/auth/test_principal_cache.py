"""The principal cache: an eviction racing a database read wins, and a suspended or cleared cache holds nothing."""

from __future__ import annotations

from sora2.auth.principal import Principal, PrincipalCache


def _principal(disabled: bool = False) -> Principal:
    return Principal(id="user_1", username="carol", role="user", disabled=disabled, created_at=None)


def test_an_eviction_during_a_read_keeps_the_read_principal_out():
    cache = PrincipalCache()
    before_read = cache.generation
    cache.evict("user_1")  # the user was disabled and the event arrived while the request read the old row
    cache.put(_principal(), before_read)
    assert cache.get("user_1") is None
    cache.put(_principal(disabled=True), cache.generation)
    assert cache.get("user_1").disabled is True


def test_cleared_and_suspended_caches_hold_nothing():
    cache = PrincipalCache()
    cache.put(_principal())
    cache.clear()
    assert cache.get("user_1") is None
    cache.suspended = True
    cache.put(_principal())
    assert cache.get("user_1") is None
    cache.suspended = False
    assert cache.get("user_1") is None
