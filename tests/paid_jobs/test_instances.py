"""Several instances on one database: a dead instance's creates are taken over and reconciled within a lease,
a restart touches only its own rows, and any number of instances can start at once on an empty database."""

from __future__ import annotations

import threading
import time

import httpx

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.paid_jobs.conftest import Studio, assert_accounted, emulator_stats, knobs, wait_for

LEASE_SECONDS = 10.0  # the default lease: a dead instance's rows move on within it
TAKEOVER_BUDGET = LEASE_SECONDS + 15.0


def test_a_survivor_reconciles_a_dead_instances_creates(studio: Studio):
    knobs(studio.emulator, create_delay_seconds=8.0, honour_idempotency=False)
    common = {"SORA2_OPENAI_IDEMPOTENT_CREATE": "false"}
    (a,) = studio.start(**common, SORA2_OPENAI_CONCURRENCY="6")  # all six creates in flight at once
    studio.start(**common, SORA2_OPENAI_CONCURRENCY="0")  # B submits nothing itself
    studio.create(6, prefix="orphaned by A")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == 6, 30, "A's creates to be in flight")
    a.kill()
    killed = time.monotonic()
    knobs(studio.emulator, create_delay_seconds=0.0)
    studio.wait_until(lambda videos: all(v["state"] in ("in_progress", "completed") for v in videos), 60,
                      "B to reconcile A's creates")
    took = time.monotonic() - killed
    assert took <= TAKEOVER_BUDGET, f"B needed {took:.1f} s"
    videos = assert_accounted(studio, created=6)
    assert all(v["state"] == "completed" for v in videos)


def test_restarting_one_instance_leaves_the_others_creates_alone(studio: Studio):
    knobs(studio.emulator, create_delay_seconds=6.0)
    (a,) = studio.start(SORA2_OPENAI_CONCURRENCY="0")  # A submits nothing: B's creates are in flight
    studio.start()
    studio.create(3, prefix="B's creates")
    wait_for(lambda: emulator_stats(studio.emulator)["jobs_created"] == 3, 30, "B's creates to be in flight")
    a.stop()
    a.start()
    seen: set[str] = set()

    def all_done(videos: list[dict]) -> bool:
        seen.update(v["state"] for v in videos)
        return all(v["state"] == "completed" for v in videos)

    studio.wait_until(all_done, 60, "B's videos to complete")
    assert not seen & {"failed", "unconfirmed", "confirming"}, seen
    assert_accounted(studio, created=3)


def test_ten_instances_start_at_once_on_an_empty_database(tmp_path, database_url, emulator):
    env = {"SORA2_DATABASE_URL": database_url, "SORA2_OPENAI_BASE_URL": emulator.base_url,
           "SORA2_OPENAI_API_KEY": emulator.api_key}
    servers = [LiveServer(tmp_path / "data", env_overrides=env) for _ in range(10)]
    errors: list[BaseException] = []

    def start(server: LiveServer) -> None:
        try:
            server.start(timeout=120)
        except BaseException as exc:  # noqa: BLE001  reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors[0]
        token = login_sync(servers[0].url, "admin", ADMIN_PASSWORD)
        for server in servers:  # one secret, one admin: a token from one instance works on every other
            me = httpx.get(f"{server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert me.status_code == 200, me.text
        users = httpx.get(f"{servers[-1].url}/api/admin/users", headers={"Authorization": f"Bearer {token}"},
                          timeout=10).json()
        assert [u["username"] for u in users["users"]].count("admin") == 1, users
    finally:
        for server in servers:
            server.stop()
