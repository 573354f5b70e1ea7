from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.audit.schemas import SignInSecurity
from sora2.audit.service import AuditService
from sora2.auth.credentials import CredentialService
from sora2.auth.schemas import LoginIn, LoginOut, MeOut
from sora2.http.bodies import read_model
from sora2.deps import CtxDep, CurrentUser, SessionDep, bearer_token, client_address
from sora2.users.schemas import ChangePasswordIn, SuccessMessage, UserOut

router = APIRouter(prefix="/api", tags=["auth"])


def _credentials(ctx: CtxDep, session: SessionDep) -> CredentialService:
    return CredentialService(session, ctx.sessions, ctx.limiter, ctx.tokens, ctx.settings.audit_retention_days)


@router.post("/auth/login", response_model=LoginOut, openapi_extra=read_model.openapi(LoginIn))
async def login(request: Request, ctx: CtxDep, session: SessionDep) -> LoginOut:
    """Sign in with a username and password (JSON or form); returns a JWT, the user, and the failed sign-ins on
    the account since its previous sign-in. Repeated failures from one address are slowed down, then refused
    (429 with Retry-After); the account itself is never locked."""
    body = await read_model(request, LoginIn)
    signed_in = await _credentials(ctx, session).sign_in(body.username, body.password, client_address(request))
    return LoginOut(token=signed_in.token, user=UserOut.of(signed_in.user),
                    security=SignInSecurity.of(signed_in.failed))


@router.get("/auth/me", response_model=MeOut)
async def me(user: CurrentUser, session: SessionDep) -> MeOut:
    """The signed-in user, and the failed sign-ins on the account since the sign-in before the latest one."""
    failed = await AuditService(session).failed_sign_ins(user.id, signed_in_now=True)
    return MeOut(user=UserOut.of(user), security=SignInSecurity.of(failed))


@router.post("/admin/change-password", response_model=SuccessMessage, tags=["users"],
             openapi_extra=read_model.openapi(ChangePasswordIn))
async def change_password(request: Request, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> SuccessMessage:
    """Change the caller's own password (any role; the original's route name is kept). Needs the current
    password, guessing it is throttled like sign-in, and a personal API token cannot do it (403). Every other
    sign-in of this user ends; the one making the change stays signed in. API tokens are not affected."""
    body = await read_model(request, ChangePasswordIn)
    await _credentials(ctx, session).change_password(user, body.currentPassword, body.newPassword,
                                                     client_address(request), keep_session=bearer_token(request))
    return SuccessMessage(message="Password changed successfully")
