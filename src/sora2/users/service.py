"""User management: creation, roles, passwords, the first admin and the original's users.json import."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.audit.service import record
from sora2.auth.passwords import hash_password
from sora2.auth.policy import password_problem
from sora2.auth.principal import Principal, session_hash
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.events import UserChanged
from sora2.errors import BadRequest, Conflict, NotFound
from sora2.models import User
from sora2.users.repository import UserRepository

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def new_user_id() -> str:
    return f"user_{secrets.token_hex(6)}"


def require_password(value: object, subject: str = "Password") -> str:
    """The one password rule (sora2.auth.policy), in the original's message shape: its clients show our message
    verbatim, e.g. "Password must be at least 12 characters"."""
    if not isinstance(value, str):
        raise BadRequest(f"{subject} must be a string")
    problem = password_problem(value)
    if problem:
        raise BadRequest(f"{subject} {problem}", code="weak_password")
    return value


class UserService:
    """`actor` is whoever acts (an admin through the API; None for the command line), for the audit log."""

    def __init__(self, session: AsyncSession, actor: Principal | None = None, address: str | None = None) -> None:
        self.repo = UserRepository(session)
        self.actor = actor
        self.address = address

    async def _audit(self, action: str, user: User, details: dict | None = None) -> None:
        via = {} if self.actor is not None else {"via": "command line"}
        await record(self.repo.session, self.actor, action, user, {**via, **(details or {})}, address=self.address)

    async def create(self, username: object, password: object, role: str = "user") -> User:
        if not username or not password:
            raise BadRequest("Username and password required")
        if not isinstance(username, str) or not USERNAME_RE.match(username):
            raise BadRequest("Username may use letters, digits and _ . @ - (at most 64 characters)")
        require_password(password)
        if await self.repo.get_by_username(username):
            raise Conflict("User already exists")
        user = User(id=new_user_id(), username=username, password_hash=hash_password(str(password)), role=role)
        await self.repo.add(user)
        await self._audit("user.created", user, {"role": role})
        return user

    async def get(self, user_id: str) -> User:
        user = await self.repo.get(user_id)
        if user is None:
            raise NotFound("User not found")
        return user

    async def apply_password(self, user: User, password: str, keep_session: str | None) -> None:
        """Set a password already checked against the rule and the current one (sora2.auth.credentials)."""
        _set_password(user, password, keep_session)
        self._changed(user)

    async def update(self, user_id: str, *, role: str | None = None, disabled: bool | None = None,
                     password: str | None = None) -> User:
        user = await self.get(user_id)
        if role is not None and role != user.role:
            await self._audit("user.role_changed", user, {"from": user.role, "to": role})
            user.role = role
        if disabled is not None and disabled != user.disabled:
            await self._audit("user.disabled" if disabled else "user.enabled", user)
            user.disabled = disabled
        if password is not None:
            _set_password(user, require_password(password))
            await self._audit("user.password_reset", user)
        await self.repo.session.flush()
        self._changed(user)
        return user

    def _changed(self, user: User) -> None:
        queue_event(self.repo.session, UserChanged(user_id=user.id))

    async def set_password(self, username: str, password: str) -> User:
        user = await self.repo.get_by_username(username)
        if user is None:
            raise NotFound("User not found")
        _set_password(user, require_password(password))
        await self._audit("user.password_reset", user)
        self._changed(user)
        return user

    async def ensure_initial_admin(self, username: str, password: str | None) -> "InitialAdmin | None":
        """Create the first admin when there are no users; returns the generated password if one was made."""
        if await self.repo.count() > 0:
            return None
        generated = password is None
        password = require_password(password) if password is not None else secrets.token_urlsafe(12)
        user = User(id=new_user_id(), username=username, password_hash=hash_password(password), role="admin")
        await self.repo.add(user)
        await self._audit("user.created", user, {"role": "admin", "first_admin": True})
        return InitialAdmin(username=username, password=password if generated else None)

    async def import_users_json(self, path: Path) -> tuple[int, int]:
        """Import the original's users.json (bcrypt hashes kept, upgraded on next login). Returns (added, skipped)."""
        entries = json.loads(path.read_text())
        if not isinstance(entries, list):
            raise BadRequest("users.json must hold a JSON array of users")
        added = skipped = 0
        for entry in entries:
            if await self.repo.get_by_username(entry["username"]) or await self.repo.get(entry["id"]):
                skipped += 1
                continue
            role = "admin" if entry["id"] == "user_1" else "user"  # the original's first user was its admin
            await self.repo.add(User(id=entry["id"], username=entry["username"],
                                     password_hash=entry["password"], role=role))
            added += 1
        await record(self.repo.session, self.actor, "user.imported", None,
                     {"added": added, "skipped": skipped, "via": "command line"})
        return added, skipped


@dataclass
class InitialAdmin:
    username: str
    password: str | None  # set only when it was generated


def _set_password(user: User, password: str, keep_session: str | None = None) -> None:
    """A new password ends every sign-in made with the old one, except `keep_session` (the token of the user who
    changed their own password): whoever knew the old password is signed out."""
    user.password_hash = hash_password(password)
    user.sessions_valid_after = utcnow()
    user.kept_session = session_hash(keep_session) if keep_session else None
