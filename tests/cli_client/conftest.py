"""A real server process (emulator inside) shared by this folder; each test has its own user and config."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("cli-live") / "data").start()
    yield live
    live.stop()


@dataclass
class Account:
    username: str
    password: str


def password_login(url: str, username: str, password: str) -> str:
    response = httpx.post(f"{url}/api/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return response.json()["token"]


@pytest.fixture
def account(server) -> Account:
    """A fresh user per test, so tests never see each other's videos."""
    admin = password_login(server.url, "admin", ADMIN_PASSWORD)
    name, password = f"u{uuid.uuid4().hex[:10]}", "cli-password-123"
    response = httpx.post(f"{server.url}/api/admin/users", json={"username": name, "password": password},
                          headers={"Authorization": f"Bearer {admin}"})
    response.raise_for_status()
    return Account(name, password)


class Cli:
    """Runs `python -m sora2 ...` as a user would: own config and working dirs, no controlling terminal."""

    def __init__(self, root: Path) -> None:
        self.config_dir = root / "config"
        self.workdir = root / "work"
        self.workdir.mkdir(parents=True, exist_ok=True)

    @property
    def credentials_path(self) -> Path:
        return self.config_dir / "credentials.json"

    def __call__(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
        base.update({"SORA2_CONFIG_DIR": str(self.config_dir), "COLUMNS": "200"})
        base.update(env or {})
        return subprocess.run([sys.executable, "-m", "sora2", *args], env=base, input=stdin,
                              capture_output=True, text=True, timeout=timeout, cwd=self.workdir,
                              start_new_session=True)

    def login(self, url: str, account: Account, *extra: str) -> subprocess.CompletedProcess:
        result = self("login", url, "--username", account.username, "--password-stdin", *extra,
                      stdin=account.password + "\n")
        assert result.returncode == 0, result.stderr
        return result


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def logged_in(cli, server, account) -> Cli:
    cli.login(server.url, account)
    return cli


def assert_clean_error(result: subprocess.CompletedProcess, message: str) -> None:
    """Exit code 1, one `error:` line holding the message, and no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")], result.stderr
