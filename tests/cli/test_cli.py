"""The `sora2` command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import bcrypt


def sora2(tmp_path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
    env["SORA2_DATA_DIR"] = str(tmp_path / "data")
    if os.environ.get("SORA2_TEST_DATABASE_URL"):
        env["SORA2_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    return subprocess.run([sys.executable, "-m", "sora2", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)


def test_db_upgrade_and_user_management(tmp_path):
    assert sora2(tmp_path, "db", "upgrade").returncode == 0
    added = sora2(tmp_path, "users", "add", "carol", "--role", "admin", "--password", "carol-pass-1")
    assert added.returncode == 0, added.stderr
    assert "created carol (admin" in added.stdout
    duplicate = sora2(tmp_path, "users", "add", "carol", "--password", "carol-pass-1")
    assert duplicate.returncode == 1 and "User already exists" in duplicate.stderr
    assert sora2(tmp_path, "users", "passwd", "carol", "--password", "new-pass-2222").returncode == 0
    assert sora2(tmp_path, "users", "disable", "carol").returncode == 0
    listing = sora2(tmp_path, "users", "list").stdout
    assert "carol\tadmin\tdisabled" in listing
    assert sora2(tmp_path, "users", "passwd", "nobody", "--password", "whatever-1").returncode == 1


def test_password_is_prompted_when_not_given(tmp_path):
    result = sora2(tmp_path, "users", "add", "dave", stdin="dave-pass-123\ndave-pass-123\n")
    assert result.returncode == 0, result.stderr
    assert "dave-pass-123" not in result.stdout


def test_import_of_the_original_users_json(tmp_path):
    hashed = bcrypt.hashpw(b"legacy-pass", bcrypt.gensalt(rounds=4)).decode()
    users = tmp_path / "users.json"
    users.write_text(json.dumps([{"id": "user_1", "username": "admin", "password": hashed},
                                 {"id": "user_1795538651578", "username": "bob", "password": hashed}]))
    first = sora2(tmp_path, "users", "import", str(users))
    assert first.returncode == 0 and "imported 2 users" in first.stdout
    again = sora2(tmp_path, "users", "import", str(users))
    assert "imported 0 users, skipped 2" in again.stdout
    assert "user_1\tadmin\tadmin\tactive" in sora2(tmp_path, "users", "list").stdout


def test_openapi_document_covers_every_route(tmp_path):
    document = json.loads(sora2(tmp_path, "openapi").stdout)
    operations = [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()]
    assert len(operations) >= 25
    undocumented = [(path, method) for path, method, op in operations if not op.get("description")]
    assert undocumented == []
    assert "/api/videos/{video_id}/content" in document["paths"]
