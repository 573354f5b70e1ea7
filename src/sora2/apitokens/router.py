from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.apitokens.schemas import TokenCreatedOut, TokenCreateIn, TokenOut, TokensOut
from sora2.apitokens.service import ApiTokenService
from sora2.http.bodies import read_model
from sora2.deps import AdminUser, AnyScopeUser, CurrentUser, SessionDep, client_address
from sora2.users.schemas import SuccessMessage

router = APIRouter(prefix="/api", tags=["tokens"])


@router.post("/tokens", response_model=TokenCreatedOut, status_code=201,
             openapi_extra=read_model.openapi(TokenCreateIn))
async def create_token(request: Request, user: CurrentUser, session: SessionDep) -> TokenCreatedOut:
    """Create a personal API token (password sign-in required). The secret is in this answer only."""
    body = await read_model(request, TokenCreateIn)
    service = ApiTokenService(session, client_address(request))
    secret, token = await service.create(user, body.name, body.scopes, body.expires_in_days)
    return TokenCreatedOut(token=secret, **TokenOut.of(token, user).model_dump())


@router.get("/tokens", response_model=TokensOut)
async def list_tokens(user: CurrentUser, session: SessionDep) -> TokensOut:
    """The caller's personal API tokens (never their secrets)."""
    rows = await ApiTokenService(session).list(user.id)
    return TokensOut(tokens=[TokenOut.of(t, u) for t, u in rows])


@router.delete("/tokens/{token_id}", response_model=SuccessMessage)
async def revoke_token(token_id: str, request: Request, user: AnyScopeUser, session: SessionDep) -> SuccessMessage:
    """Revoke one of the caller's tokens; it stops working on its next request. A read-only token may revoke
    itself (logging out), nothing else."""
    await ApiTokenService(session, client_address(request)).revoke(user, token_id)
    return SuccessMessage(message="Token revoked")


@router.get("/admin/tokens", response_model=TokensOut, tags=["users"])
async def list_all_tokens(_admin: AdminUser, session: SessionDep, user_id: str | None = None) -> TokensOut:
    """Every user's tokens, or one user's with ?user_id= (admin only)."""
    rows = await ApiTokenService(session).list(user_id)
    return TokensOut(tokens=[TokenOut.of(t, u) for t, u in rows])


@router.delete("/admin/tokens/{token_id}", response_model=SuccessMessage, tags=["users"])
async def revoke_any_token(token_id: str, request: Request, admin: AdminUser, session: SessionDep) -> SuccessMessage:
    """Revoke any user's token (admin only)."""
    await ApiTokenService(session, client_address(request)).revoke(admin, token_id, as_admin=True)
    return SuccessMessage(message="Token revoked")
