"""Several instances behind one load balancer, for real: two server processes sharing one database, one data
directory (media) and one provider — the standalone emulator, since each in-process emulator would know only its
own jobs — and one Redis channel, unique per test."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import LiveServer, free_port

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def redis_answers(host: str = REDIS_HOST, port: int = REDIS_PORT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A private redis-server on a free port (`make test` installs the binary), that a test may stop and restart."""

    def __init__(self, data_dir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("the multi-instance tests need redis-server: `make test` installs it "
                        "(apt-get install redis-server)")
        self.binary, self.data_dir, self.port = binary, data_dir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.data_dir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(250):
            if redis_answers(port=self.port):
                return self
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


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


@dataclass
class EmulatorProcess:
    """`sora2 emulator`: one provider every instance talks to."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    api_key: str = field(default_factory=lambda: "emu-" + uuid.uuid4().hex)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 30.0) -> EmulatorProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
        env["SORA2_EMULATOR_FPS"] = "8"
        log = open(self.data_dir.parent / f"emulator-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sora2", "emulator", "--port", str(self.port), "--data-dir", str(self.data_dir),
             "--job-seconds", "2", "--api-key", self.api_key],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the emulator exited early"
            try:
                httpx.get(f"{self.base_url}/videos", headers={"Authorization": f"Bearer {self.api_key}"}, timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the emulator did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


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


def wait_for(predicate, timeout: float, what: str) -> float:  # noqa: ANN001
    """Poll until predicate() holds; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def pair(tmp_path, database_url, emulator, redis_url, channel) -> Iterator[Pair]:  # noqa: ANN001
    pair = start_pair(tmp_path / "data", database_url, emulator, redis_url, channel, b_env=NOT_TRACKING)
    yield pair
    pair.b.stop()
    pair.a.stop()
