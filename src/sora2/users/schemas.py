from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sora2.auth.principal import Principal
from sora2.models import User

Role = Literal["admin", "user"]


class UserOut(BaseModel):
    id: str
    username: str
    role: Role
    disabled: bool = False
    created_at: int | None = None

    @classmethod
    def of(cls, user: User | Principal) -> "UserOut":
        return cls(id=user.id, username=user.username, role=user.role, disabled=user.disabled,
                   created_at=int(user.created_at.timestamp()) if user.created_at else None)


class UsersOut(BaseModel):
    users: list[UserOut]


class CreateUserIn(BaseModel):
    # Optional so that missing values get the original's messages rather than a schema error.
    username: Any = None
    password: Any = None
    role: Role = "user"


class CreateUserOut(BaseModel):
    success: bool = True
    user: UserOut


class UpdateUserIn(BaseModel):
    # Strict: `"disabled": 0` or `"role": 1` is a 400, not a guess at what was meant.
    model_config = ConfigDict(strict=True, extra="ignore")

    role: Role | None = None
    disabled: bool | None = None
    password: str | None = None


class UserEnvelope(BaseModel):
    user: UserOut


class ChangePasswordIn(BaseModel):
    currentPassword: Any = None  # noqa: N815  (the original's field names)
    newPassword: Any = None  # noqa: N815


class SuccessMessage(BaseModel):
    success: bool = True
    message: str
