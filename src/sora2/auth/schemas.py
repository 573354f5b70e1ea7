from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sora2.audit.schemas import SignInSecurity
from sora2.users.schemas import UserOut


class LoginIn(BaseModel):
    username: Any = None
    password: Any = None


class LoginOut(BaseModel):
    token: str
    user: UserOut
    security: SignInSecurity = Field(description="Failed sign-ins on this account since its previous sign-in")


class MeOut(BaseModel):
    user: UserOut
    security: SignInSecurity = Field(description="Failed sign-ins on this account since the sign-in before the "
                                                 "latest one")
