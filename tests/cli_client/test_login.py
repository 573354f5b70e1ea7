"""`sora2 login`, `whoami`, `logout`: a personal token kept with mode 600, never shown, revoked on logout."""

from __future__ import annotations

import json
import stat

import httpx
import pytest

from tests.cli_client.conftest import assert_clean_error

pytestmark = pytest.mark.e2e


def stored(cli) -> dict:
    return json.loads(cli.credentials_path.read_text())


def test_login_stores_a_private_personal_token_and_never_shows_it(cli, server, account):
    result = cli.login(server.url, account)
    assert f"Logged in to {server.url} as {account.username}" in result.stdout
    credentials = stored(cli)
    token = credentials["token"]
    assert token.startswith("s2p_")
    assert credentials["url"] == server.url and credentials["username"] == account.username
    assert stat.S_IMODE(cli.credentials_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config_dir.stat().st_mode) == 0o700
    whoami = cli("whoami")
    assert whoami.returncode == 0 and f"{account.username} (user) on {server.url}" in whoami.stdout
    for output in (result.stdout, result.stderr, whoami.stdout, whoami.stderr, server.log_text()):
        assert token not in output and token[4:20] not in output
    # The stored token is a personal token named after this machine.
    response = httpx.get(f"{server.url}/api/tokens", headers={"Authorization": f"Bearer {token}"})
    names = [t["name"] for t in response.json()["tokens"]]
    assert len(names) == 1 and names[0].startswith("cli@")


def test_prompts_for_username_and_password(cli, server, account):
    answers = f"{account.username}\n{account.password}\n"
    result = cli("login", server.url, "--token-name", "laptop", stdin=answers)
    assert result.returncode == 0, result.stderr
    assert account.password not in result.stdout + result.stderr
    assert stored(cli)["token_name"] == "laptop"


def test_wrong_password_is_refused_and_nothing_is_stored(cli, server, account):
    result = cli("login", server.url, "-u", account.username, "--password-stdin", stdin="wrong-password\n")
    assert_clean_error(result, "Invalid credentials")
    assert "sora2 login" not in result.stderr  # the hint is for a stale login, not a mistyped password
    assert not cli.credentials_path.exists()


def test_logout_revokes_the_token_on_the_server(logged_in, server):
    token = stored(logged_in)["token"]
    result = logged_in("logout")
    assert result.returncode == 0 and "token revoked" in result.stdout
    assert not logged_in.credentials_path.exists()
    me = httpx.get(f"{server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert_clean_error(logged_in("list"), "not logged in")
    assert logged_in("logout").stdout.strip() == "Not logged in."


def test_a_revoked_token_says_to_log_in_again(logged_in, server):
    saved = logged_in.credentials_path.read_text()
    assert logged_in("logout").returncode == 0
    logged_in.credentials_path.write_text(saved)  # as if another machine had revoked it
    assert_clean_error(logged_in("list"), f"run: sora2 login {server.url}")


def test_logging_in_again_revokes_the_replaced_token(logged_in, server, account):
    first = stored(logged_in)["token"]
    logged_in.login(server.url, account)
    second = stored(logged_in)["token"]
    assert second != first
    me = f"{server.url}/api/auth/me"
    assert httpx.get(me, headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert httpx.get(me, headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_read_only_token_can_look_but_not_create(cli, server, account):
    cli.login(server.url, account, "--read-only")
    assert cli("list").returncode == 0
    assert_clean_error(cli("create", "a lighthouse"), "read-only")
    token = stored(cli)["token"]
    logged_out = cli("logout")  # a read-only token may still revoke itself
    assert logged_out.returncode == 0 and "token revoked" in logged_out.stdout
    assert not cli.credentials_path.exists()
    me = f"{server.url}/api/auth/me"
    assert httpx.get(me, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_environment_overrides_the_stored_credentials(cli, server, account):
    jwt = httpx.post(f"{server.url}/api/auth/login",
                     json={"username": account.username, "password": account.password}).json()["token"]
    result = cli("whoami", env={"SORA2_URL": server.url, "SORA2_TOKEN": jwt})
    assert result.returncode == 0 and account.username in result.stdout
    # A stored token is never sent to a server named only by SORA2_URL.
    cli.login(server.url, account)
    other = cli("whoami", env={"SORA2_URL": "http://127.0.0.1:9"})
    assert_clean_error(other, "not logged in to http://127.0.0.1:9")
