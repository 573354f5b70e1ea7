"""JWT (HS256) compatible with the original: claims `userId` and `username`, 7-day default expiry."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path

import jwt

from sora2.config import Settings


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    username: str | None
    issued_ms: int  # when it was issued, in ms (the original's tokens carry whole-second `iat` only)


SEEN_TOKENS = 10_000  # decoded sign-ins remembered per instance (a few hundred bytes each)


class TokenCodec:
    def __init__(self, secret: str, expires_seconds: int) -> None:
        self._secret = secret
        self._expires = expires_seconds
        # A token already seen is not decoded again: its signature was checked, and only its expiry can change
        # whether it is valid (revocation is the principal's business: PrincipalCache and the database).
        self._seen: dict[str, tuple[float, TokenClaims]] = {}

    def issue(self, user_id: str, username: str) -> str:
        now_ms = time.time_ns() // 1_000_000
        now = now_ms // 1000
        # `iat` stays whole seconds as the original's; `iat_ms` orders a sign-in against a password change made
        # within the same second.
        payload = {"userId": user_id, "username": username, "iat": now, "exp": now + self._expires, "iat_ms": now_ms}
        return jwt.encode(payload, self._secret, algorithm="HS256")

    def decode(self, token: str) -> TokenClaims | None:
        seen = self._seen.get(token)
        if seen is not None and time.time() <= seen[0]:
            return seen[1]
        try:
            payload = jwt.decode(token, self._secret, algorithms=["HS256"], options={"require": ["exp"]})
        except jwt.PyJWTError:
            return None
        claims = _claims(payload)
        if claims is not None and isinstance(payload["exp"], int | float):
            if len(self._seen) >= SEEN_TOKENS:
                self._seen.clear()
            self._seen[token] = (payload["exp"], claims)
        return claims

    @property
    def secret(self) -> str:
        return self._secret


def _claims(payload: dict) -> TokenClaims | None:
    """The claims a sign-in needs, or None when the token lacks a user id."""
    user_id = payload.get("userId")
    if not isinstance(user_id, str):
        return None
    issued_ms = payload.get("iat_ms")
    if not isinstance(issued_ms, int):
        issued = payload.get("iat")
        issued_ms = int(issued * 1000) if isinstance(issued, int | float) else 0
    return TokenClaims(user_id=user_id, username=payload.get("username"), issued_ms=issued_ms)


def load_or_create_secret(settings: Settings) -> str:
    """The configured secret, else one generated on first run and kept in the data dir with mode 600."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return read_or_create_private_file(Path(settings.data_dir) / "jwt-secret", lambda: secrets.token_urlsafe(48))


def read_or_create_private_file(path: Path, generate: Callable[[], str]) -> str:
    """The file's text; when there is none yet, the first of several racing processes writes `generate()` and
    every one of them reads that same value back (instances sharing a data dir must agree on their secrets)."""
    if not path.exists():
        tmp = _write_private_tmp(path, generate() + "\n")
        try:
            os.link(tmp, path)  # fails if another process got there first: its value stands
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def write_private_file(path: Path, text: str) -> None:
    """Write a secret atomically, readable by the owner only (mode 600) from its first byte."""
    os.replace(_write_private_tmp(path, text), path)


def _write_private_tmp(path: Path, text: str) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    return tmp
