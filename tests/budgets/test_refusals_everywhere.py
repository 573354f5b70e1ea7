"""A refusal reads the same from every door: the admin sets a budget with `sora2 users budget`, and a create that
does not fit fails in the CLI and in MCP with the server's message (what is left, when it resets). A real server
process, with a priced provider (the standalone emulator behind the OpenAI-shaped adapter)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer
from tests.mcp.conftest import error_text, http_session, new_token, password_login, structured
from tests.multi_instance.conftest import EmulatorProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def priced_server(tmp_path_factory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("budget-live")
    (root / "emulator").mkdir()
    emulator = EmulatorProcess(root / "emulator").start()
    server = LiveServer(root / "data", env_overrides={"SORA2_OPENAI_BASE_URL": emulator.base_url,
                                                      "SORA2_OPENAI_API_KEY": emulator.api_key})
    try:
        yield server.start()
    finally:
        server.stop()
        emulator.stop()


def _sora2(server: LiveServer, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
    base.update({k: v for k, v in server.env().items() if k in ("SORA2_DATA_DIR", "SORA2_DATABASE_URL")})
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "sora2", *args], env=base, capture_output=True, text=True,
                          timeout=120, cwd=server.data_dir.parent)


@pytest.fixture(scope="module")
def carol(priced_server) -> str:
    """A user with a personal token and a budget of $0.50, set through the admin CLI: room for one 4 s sora-2."""
    admin = password_login(priced_server.url, "admin", ADMIN_PASSWORD)
    httpx.post(f"{priced_server.url}/api/admin/users", json={"username": "carol", "password": "carol-pw-123"},
               headers=admin).raise_for_status()
    result = _sora2(priced_server, "users", "budget", "carol", "0.5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("carol: $0.50 monthly; used $0.00")
    return new_token(priced_server.url, password_login(priced_server.url, "carol", "carol-pw-123"))["token"]


def test_the_admin_cli_shows_sets_and_removes_budgets(priced_server, carol):
    shown = _sora2(priced_server, "users", "budget", "carol")
    assert shown.returncode == 0 and "$0.50 monthly" in shown.stdout
    weekly = _sora2(priced_server, "users", "budget", "--instance", "100", "--days", "7")
    assert weekly.returncode == 0 and weekly.stdout.startswith("the instance: $100.00 weekly")
    assert _sora2(priced_server, "users", "budget", "--instance", "--remove").stdout == "budget removed for the instance\n"
    missing = _sora2(priced_server, "users", "budget", "nobody", "5")
    assert missing.returncode == 1 and "User not found" in missing.stderr


def test_the_cli_client_shows_the_refusal(priced_server, carol, tmp_path: Path):
    env = {"SORA2_URL": priced_server.url, "SORA2_TOKEN": carol, "SORA2_CONFIG_DIR": str(tmp_path)}
    first = _sora2(priced_server, "create", "a kite", "--model", "sora-2", "--seconds", "4", env=env)
    assert first.returncode == 0, first.stderr
    refused = _sora2(priced_server, "create", "a second kite", "--model", "sora-2", "--seconds", "4", env=env)
    assert refused.returncode != 0
    assert "Budget exceeded: This video is estimated at $0.40, but only $0.10 of your monthly budget" in refused.stderr
    assert "It resets on" in refused.stderr


async def test_an_agent_gets_the_refusal_as_a_tool_error(priced_server, carol):
    async with http_session(priced_server.url, carol) as session:
        # $0.50 holds one $0.40 job (made here, or by the CLI test before): the next is refused at the latest.
        results = [await session.call_tool("create_video", {"prompt": f"kite {i}", "model": "sora-2", "seconds": 4})
                   for i in range(2)]
        text = error_text(results[-1])
        assert "Budget exceeded" in text and "It resets on" in text
        assert structured(await session.call_tool("list_videos", {}))["total"] == 1
