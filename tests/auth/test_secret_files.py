"""Instances sharing a data dir start at once: they must all end up with the same generated secrets."""

from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sora2.auth.tokens import read_or_create_private_file


def _race(path: str) -> str:
    import secrets

    return read_or_create_private_file(Path(path), lambda: secrets.token_urlsafe(32))


def test_racing_processes_agree_on_one_secret_and_leave_no_temporary_files(tmp_path):
    path = tmp_path / "data" / "provider-secret"
    with ProcessPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(_race, [str(path)] * 32))
    assert len(set(values)) == 1
    assert path.read_text().strip() == values[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["provider-secret"]


def test_an_existing_secret_is_read_not_replaced(tmp_path):
    path = tmp_path / "jwt-secret"
    path.write_text("kept\n")
    assert read_or_create_private_file(path, lambda: "new") == "kept"
