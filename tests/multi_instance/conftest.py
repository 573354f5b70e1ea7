"""Several instances behind one load balancer, for real: two server processes sharing one database, one data
directory (media) and one provider — the standalone emulator, since each in-process emulator would know only its
own jobs — and one Redis channel, unique per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import LiveServer
from tests.fixtures.services import REDIS_URL, EmulatorProcess, RedisServer, redis_answers, wait_for

__all__ = ["EmulatorProcess", "RedisServer", "wait_for"]  # imported from here by the tests

@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The machine's Redis when one answers on the standard port (each test has its own channel), else a private
    one for the session."""
    if redis_answers():
        yield REDIS_URL
        return
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def channel() -> str:
    return f"sora2:test:{uuid.uuid4().hex}"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    (tmp_path / "emulator").mkdir()
    process = EmulatorProcess(tmp_path / "emulator").start()
    yield process
    process.stop()


# B claims no submissions and no polls: whatever B's clients learn about A's jobs crossed Redis.
NOT_TRACKING = {"SORA2_OPENAI_CONCURRENCY": "0", "SORA2_TRACKER_BATCH_SIZE": "0"}


@dataclass
class Pair:
    a: LiveServer
    b: LiveServer


def start_pair(data_dir: Path, database_url: str, emulator: EmulatorProcess, redis_url: str, channel: str,
               b_env: dict[str, str] | None = None) -> Pair:
    shared = {"SORA2_DATABASE_URL": database_url, "SORA2_OPENAI_BASE_URL": emulator.base_url,
              "SORA2_OPENAI_API_KEY": emulator.api_key, "SORA2_REDIS_URL": redis_url, "SORA2_REDIS_CHANNEL": channel}
    # A migrates the fresh database and creates the admin before B starts: they never race on the schema.
    a = LiveServer(data_dir, env_overrides=shared).start()
    try:
        b = LiveServer(data_dir, env_overrides={**shared, **(b_env or {})}).start()
    except BaseException:
        a.stop()
        raise
    pair = Pair(a, b)
    for server in (a, b):
        wait_for(lambda s=server: readiness(s)["events"] == "ok", 10, "the instance to subscribe")
    return pair


def readiness(server: LiveServer) -> dict:
    return httpx.get(f"{server.url}/readyz", timeout=5).json()




@pytest.fixture
def pair(tmp_path, database_url, emulator, redis_url, channel) -> Iterator[Pair]:  # noqa: ANN001
    pair = start_pair(tmp_path / "data", database_url, emulator, redis_url, channel, b_env=NOT_TRACKING)
    yield pair
    pair.b.stop()
    pair.a.stop()
