"""What counts as a good enough password or signing secret. No imports beyond the standard library: the settings
use it to refuse weak values before anything starts.

Passwords: at least 12 characters (NIST SP 800-63B's advice is length, not composition rules), at least 5
different characters (not `aaaaaaaaaaaa` or `abababababab`) and not one plain run such as `abcdefghijkl`. Hashes imported from the original system
keep working whatever the password behind them: the rule applies when a password is set, never at sign-in.

Signing secrets (SORA2_JWT_SECRET): at least 32 characters that look random: no published default, no repeated
unit (`abab…`, `0000…`), no run of more than 7 neighbouring characters (`0123456789…`, `aaaaaaaa…`) and at least
8 different characters. `openssl rand -hex 32` or `-base64 32` always pass (a random hex string of 32 characters
uses fewer than 8 different ones about once in ten million).
"""

from __future__ import annotations

import re

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_DISTINCT = 5
MAX_PASSWORD_LENGTH = 1024  # beyond any passphrase; bounds the hashing work one request can ask for
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 8
LONGEST_SECRET_RUN = 7  # neighbouring characters in a row (abcdefgh, 87654321, aaaaaaaa) is the most allowed

# Secrets published in the original project's code and docs; a server using one can be impersonated.
KNOWN_DEFAULT_SECRETS = frozenset({"change_this_secret_in_production", "secret", "changeme", "admin"})
_REPEATED_UNIT = re.compile(r"(.+?)\1+", re.DOTALL)


def password_problem(password: str) -> str | None:
    """Why this password may not be set, or None. The sentence completes "Password ..."."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if len(set(password)) < MIN_PASSWORD_DISTINCT:
        return f"must use at least {MIN_PASSWORD_DISTINCT} different characters"
    if _longest_run(password) == len(password):
        return "must not be a plain run of characters such as abcdefghijkl"
    return None


def secret_problem(secret: str) -> str | None:
    """Why this signing secret is too weak, or None."""
    if secret in KNOWN_DEFAULT_SECRETS:
        return "is a known default"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if _REPEATED_UNIT.fullmatch(secret):
        return "is a short pattern repeated"
    if _longest_run(secret) > LONGEST_SECRET_RUN:
        return "contains a long run of repeated or consecutive characters"
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        return f"uses fewer than {MIN_SECRET_DISTINCT} different characters"
    return None


def _longest_run(text: str) -> int:
    """The longest stretch in which each character is the same as, or next to, the previous one, all in one
    direction (aaaa, abcd, 4321)."""
    longest = run = 1 if text else 0
    step = None
    for previous, current in zip(text, text[1:]):
        diff = ord(current) - ord(previous)
        if abs(diff) <= 1 and (run == 1 or diff == step):
            run, step = run + 1, diff
        else:
            run, step = (2, diff) if abs(diff) <= 1 else (1, None)
        longest = max(longest, run)
    return longest
