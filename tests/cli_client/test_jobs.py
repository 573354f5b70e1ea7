"""cancel, retry (with the cost shown first) and dismiss, run as a user would."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.cli_client.conftest import assert_clean_error

pytestmark = pytest.mark.e2e


def _create(cli, prompt: str) -> dict:  # noqa: ANN001
    result = cli("create", prompt, "--seconds", "8", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def slow_jobs(server):  # noqa: ANN001, ANN201
    """Jobs that run for a minute, so a busy machine cannot finish one before the CLI cancels it."""
    faults = f"{server.url}/emulator/_emulator/faults"
    httpx.post(faults, json={"job_seconds": 60}, headers=server.emulator_headers()).raise_for_status()
    yield
    httpx.delete(faults, headers=server.emulator_headers()).raise_for_status()


def test_cancel_then_retry_with_a_changed_prompt(logged_in, slow_jobs):
    video = _create(logged_in, "a kite that will be cancelled")
    cancelled = logged_in("cancel", video["id"])
    assert cancelled.returncode == 0, cancelled.stderr
    assert f"cancelled {video['id']}: Cancelled" in cancelled.stdout
    shown = logged_in("get", video["id"])
    status = next(line for line in shown.stdout.splitlines() if line.startswith("status"))
    assert status.split()[-1] == "cancelled", shown.stdout

    refused = logged_in("retry", video["id"])  # no terminal to confirm on, and no --yes
    assert_clean_error(refused, "refusing to start a paid job without confirmation; pass --yes")
    assert "will cost nothing (emulated)" in refused.stderr  # the cost is shown before anything is asked

    again = logged_in("retry", video["id"], "--prompt", "a kite that flies", "--seconds", "4", "--yes", "--json")
    assert again.returncode == 0, again.stderr
    made = json.loads(again.stdout)
    assert made["retry_of"] == video["id"] and made["prompt"] == "a kite that flies" and made["seconds"] == "4"


def test_errors_are_one_clean_line(logged_in):
    video = _create(logged_in, "a kite that stays")
    assert_clean_error(logged_in("dismiss", video["id"]), "Only an unconfirmed video can be dismissed")
    assert_clean_error(logged_in("retry", video["id"], "--yes"),
                       "Only a failed, cancelled or unconfirmed video can be retried")
    assert_clean_error(logged_in("cancel", "no-such-video"), "not found")
