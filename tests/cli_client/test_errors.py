"""Every failure a user can cause ends in one clear line on stderr and exit code 1, never a traceback."""

from __future__ import annotations

import pytest

from tests.cli_client.conftest import assert_clean_error
from tests.fixtures.live import free_port

pytestmark = pytest.mark.e2e


def test_server_refusals_come_with_the_servers_message(logged_in):
    assert_clean_error(logged_in("create", "a cat", "--model", "nope"),
                       "Unknown model 'nope'. Allowed: sora-2, sora-2-pro")
    assert_clean_error(logged_in("create", "a cat", "--size", "1920x1080"),
                       "Size '1920x1080' is not supported by sora-2. Allowed: 1280x720, 720x1280")
    assert_clean_error(logged_in("get", "no-such-video"), "Video not found")
    assert_clean_error(logged_in("download", "no-such-video"), "Video not found")
    assert list(logged_in.workdir.iterdir()) == []  # no partial file left behind


def test_bad_local_input(logged_in):
    assert_clean_error(logged_in("create", "a cat", "--image", "missing.png"),
                       "cannot read image missing.png")
    (logged_in.workdir / "notes.txt").write_text("not an image")
    assert_clean_error(logged_in("create", "a cat", "--image", "notes.txt"), "not an image")
    assert_clean_error(logged_in("download", "x", "--variant", "poster"), "unknown variant 'poster'")


def test_not_logged_in(cli):
    for args in (("list",), ("create", "a cat"), ("get", "x"), ("whoami",)):
        assert_clean_error(cli(*args), "not logged in — run: sora2 login URL")


def test_unreachable_server(cli):
    url = f"http://127.0.0.1:{free_port()}"
    assert_clean_error(cli("list", env={"SORA2_URL": url, "SORA2_TOKEN": "s2p_whatever"}),
                       f"Cannot reach the server at {url}: connection refused")
    login = cli("login", url, "-u", "someone", "--password-stdin", stdin="password\n")
    assert_clean_error(login, "Cannot reach the server")
    assert not cli.credentials_path.exists()


def test_unreadable_credentials_file(cli):
    cli.config_dir.mkdir(parents=True)
    cli.credentials_path.write_text("{not json")
    assert_clean_error(cli("list"), "Cannot read")
    assert cli("logout").returncode == 0 and not cli.credentials_path.exists()
