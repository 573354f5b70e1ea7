"""What a server process stores for a password: argon2id at pwdlib's recommended cost (the in-process tests
swap in a cheap one, see tests/conftest.py), and the original's bcrypt hashes verify and upgrade."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
from sora2.auth.passwords import hash_password, verify_password
import bcrypt, json
legacy = bcrypt.hashpw(b"from-the-original", bcrypt.gensalt(rounds=4)).decode()
print(json.dumps([hash_password("correct horse"), verify_password("from-the-original", legacy)]))
"""


def test_a_server_process_hashes_with_argon2id_at_full_cost_and_upgrades_bcrypt():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    stored, (valid, upgraded) = json.loads(done.stdout)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert valid is True and upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
