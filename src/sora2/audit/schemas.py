from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from sora2.audit.service import FailedSignIns
from sora2.db.base import epoch
from sora2.models import AuditEntry

ExportFormat = Literal["csv", "json"]
CSV_COLUMNS = ("id", "at", "action", "actor_id", "actor_name", "target", "target_name", "address", "details")


class AuditEntryOut(BaseModel):
    id: int
    at: int = Field(description="Epoch seconds")
    action: str = Field(description="e.g. auth.sign_in, auth.sign_in_failed, user.disabled, token.revoked")
    actor_id: str | None = Field(description="Who acted; null for the system, the CLI or someone not signed in")
    actor_name: str | None
    target: str | None = Field(description='What it was done to: "user:<id>", "token:<id>", "username:<name>"')
    target_name: str | None
    address: str | None = Field(description="The client's address, where there was one")
    details: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditEntryOut":
        return cls(id=entry.id, at=epoch(entry.at) or 0, action=entry.action, actor_id=entry.actor_id,
                   actor_name=entry.actor_name, target=entry.target, target_name=entry.target_name,
                   address=entry.address, details=entry.details)


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    next_before: int | None = Field(description="Pass as before_id for the next (older) page; null at the end")
    actions: list[str] = Field(description="Every action the log records, for filters")


class SignInSecurity(BaseModel):
    """Failed sign-ins on the account since its previous successful sign-in."""

    failed_attempts: int
    last_failed_at: int | None = Field(description="Epoch seconds of the latest failure")
    since: int | None = Field(description="Epoch seconds of the previous sign-in the count starts from")

    @classmethod
    def of(cls, failed: FailedSignIns) -> "SignInSecurity":
        return cls(failed_attempts=failed.count, last_failed_at=epoch(failed.last_at), since=epoch(failed.since))


class AccountActivityOut(BaseModel):
    security: SignInSecurity
    entries: list[AuditEntryOut] = Field(description="The latest events by or about this account")
