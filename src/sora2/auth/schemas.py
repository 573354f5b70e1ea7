from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sora2.users.schemas import UserOut


class LoginIn(BaseModel):
    username: Any = None
    password: Any = None


class LoginOut(BaseModel):
    token: str
    user: UserOut


class MeOut(BaseModel):
    user: UserOut
