from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.auth.schemas import LoginIn, LoginOut, MeOut
from sora2.auth.service import AuthService
from sora2.deps import CtxDep, CurrentUser, SessionDep, bearer_token
from sora2.bodies import read_model
from sora2.users.schemas import ChangePasswordIn, SuccessMessage, UserOut
from sora2.users.service import UserService

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/login", response_model=LoginOut, openapi_extra=read_model.openapi(LoginIn))
async def login(request: Request, ctx: CtxDep, session: SessionDep) -> LoginOut:
    """Sign in with a username and password (JSON or form); returns a JWT and the user."""
    body = await read_model(request, LoginIn)
    address = request.client.host if request.client else "unknown"
    token, user = await AuthService(session, ctx.tokens, ctx.limiter).login(body.username, body.password, address)
    return LoginOut(token=token, user=UserOut.of(user))


@router.get("/auth/me", response_model=MeOut)
async def me(user: CurrentUser) -> MeOut:
    """The signed-in user."""
    return MeOut(user=UserOut.of(user))


@router.post("/admin/change-password", response_model=SuccessMessage, tags=["users"],
             openapi_extra=read_model.openapi(ChangePasswordIn))
async def change_password(request: Request, user: CurrentUser, session: SessionDep) -> SuccessMessage:
    """Change the caller's own password (any role; the original's route name is kept). Every other sign-in of
    this user ends; the one making the change stays signed in. Personal API tokens are not affected."""
    body = await read_model(request, ChangePasswordIn)
    await UserService(session).change_password(user.id, body.currentPassword, body.newPassword,
                                               keep_session=None if user.token_id else bearer_token(request))
    return SuccessMessage(message="Password changed successfully")
