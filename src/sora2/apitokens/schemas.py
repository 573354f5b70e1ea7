from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from sora2.auth.principal import Principal
from sora2.db.base import epoch
from sora2.models import ApiToken, User

Scope = Literal["read", "write"]


class TokenCreateIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="A label, e.g. 'laptop CLI' or 'Claude Desktop'")
    scopes: list[Scope] | None = Field(default=None, description="Default read and write; write implies read")
    expires_in_days: int | None = Field(default=None, description="Null for a token that never expires")


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart")
    scopes: list[Scope]
    created_at: int | None
    expires_at: int | None
    last_used_at: int | None
    user_id: str
    username: str

    @classmethod
    def of(cls, token: ApiToken, user: User | Principal) -> "TokenOut":
        return cls(id=token.id, name=token.name, prefix=token.prefix, scopes=token.scopes,
                   created_at=epoch(token.created_at), expires_at=epoch(token.expires_at),
                   last_used_at=epoch(token.last_used_at), user_id=user.id, username=user.username)


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown once: only its hash is stored")


class TokensOut(BaseModel):
    tokens: list[TokenOut]
