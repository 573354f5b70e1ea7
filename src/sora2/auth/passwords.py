"""Password hashing: argon2id for new hashes; bcrypt hashes from the original's users.json still verify."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(), BcryptHasher()))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Returns (valid, new_hash); new_hash is set when the stored hash should be upgraded (e.g. bcrypt → argon2id)."""
    try:
        return _hasher().verify_and_update(password, password_hash)
    except Exception:  # unknown or corrupt hash format: treat as a mismatch, never as a crash
        return False, None


_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    """Spend a hash verification on unknown users so timing does not reveal whether a user exists."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(password, _DUMMY_HASH)
