"""Who is calling: an immutable snapshot of the user, cached briefly so each request skips a database read."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sora2.models import User

if TYPE_CHECKING:
    from sora2.auth.tokens import TokenClaims, TokenCodec


READ, WRITE = "read", "write"
ALL_SCOPES = frozenset({READ, WRITE})


@dataclass(frozen=True)
class Principal:
    id: str
    username: str
    role: str
    disabled: bool
    created_at: datetime | None
    # Set when the caller authenticated with a personal API token rather than a password sign-in.
    token_id: str | None = None
    scopes: frozenset[str] = field(default=ALL_SCOPES)
    sessions_after_ms: int | None = None  # sign-ins issued earlier are over (a password change) ...
    kept_session: str | None = None  # ... except this one (SHA-256 of the token that made the change)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return WRITE in self.scopes

    @classmethod
    def of(cls, user: User) -> "Principal":
        after = user.sessions_valid_after
        return cls(id=user.id, username=user.username, role=user.role, disabled=user.disabled,
                   created_at=user.created_at, kept_session=user.kept_session,
                   sessions_after_ms=None if after is None else int(after.timestamp() * 1000))

    def accepts(self, claims: "TokenClaims", token: str) -> bool:
        """Whether this sign-in is still valid: issued after the last password change, or the one that made it."""
        if self.sessions_after_ms is None or claims.issued_ms >= self.sessions_after_ms:
            return True
        return self.kept_session is not None and hmac.compare_digest(session_hash(token), self.kept_session)


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PrincipalCache:
    """Per-instance cache of principals. Every change to a user publishes UserChanged after commit, which evicts
    the entry at once; the TTL only bounds staleness should an event ever be missed."""

    def __init__(self, ttl_seconds: float = 30.0, max_entries: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: dict[str, tuple[float, Principal]] = {}
        # Bumped by every eviction: a principal read from the database before an eviction is not stored after it.
        self.generation = 0
        self.suspended = False  # nothing is served or stored while set (see sora2.events_redis)

    def get(self, user_id: str) -> Principal | None:
        if self.suspended:
            return None
        entry = self._entries.get(user_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def get_for_token(self, token: str, codec: "TokenCodec") -> Principal | None:
        """The cached, enabled principal a valid token names, or None when the database must be asked."""
        claims = codec.decode(token)
        principal = self.get(claims.user_id) if claims else None
        if principal is None or principal.disabled or not principal.accepts(claims, token):
            return None  # the database path gives the reason
        return principal

    def put(self, principal: Principal, generation: int | None = None) -> None:
        """Store a principal; pass the `generation` seen before reading it so a racing eviction wins."""
        if self.suspended or (generation is not None and generation != self.generation):
            return
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[principal.id] = (time.monotonic() + self._ttl, principal)

    def evict(self, user_id: str) -> None:
        self.generation += 1
        self._entries.pop(user_id, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
