from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.deps import AdminUser, SessionDep, client_address
from sora2.errors import BadRequest, Forbidden
from sora2.http.bodies import read_model
from sora2.users.schemas import CreateUserIn, CreateUserOut, UpdateUserIn, UserEnvelope, UserOut, UsersOut
from sora2.users.service import UserService

router = APIRouter(prefix="/api/admin", tags=["users"])


@router.get("/users", response_model=UsersOut)
async def list_users(_admin: AdminUser, session: SessionDep) -> UsersOut:
    """List every user (admin only)."""
    users = await UserService(session).repo.list()
    return UsersOut(users=[UserOut.of(u) for u in users])


@router.post("/users", response_model=CreateUserOut, openapi_extra=read_model.openapi(CreateUserIn))
async def create_user(request: Request, admin: AdminUser, session: SessionDep) -> CreateUserOut:
    """Create a user (admin only)."""
    body = await read_model(request, CreateUserIn)
    user = await UserService(session, admin, client_address(request)).create(body.username, body.password, body.role)
    return CreateUserOut(user=UserOut.of(user))


@router.patch("/users/{user_id}", response_model=UserEnvelope, openapi_extra=read_model.openapi(UpdateUserIn))
async def update_user(user_id: str, request: Request, admin: AdminUser, session: SessionDep) -> UserEnvelope:
    """Change a user's role, disable or enable them, or reset their password (admin only). Types are strict
    (`disabled` is true or false). A password is set only from a password sign-in, and never your own: change
    that with your current password at /api/admin/change-password."""
    body = await read_model(request, UpdateUserIn)
    if user_id == admin.id and (body.disabled or body.role == "user"):
        raise BadRequest("You cannot disable or demote yourself")
    if body.password is not None:
        if admin.token_id is not None:
            raise Forbidden("API tokens cannot set passwords; sign in with your password to do it",
                            code="password_login_required")
        if user_id == admin.id:
            raise BadRequest("Change your own password with your current password (Settings, or "
                             "POST /api/admin/change-password)", code="current_password_required")
    service = UserService(session, admin, client_address(request))
    user = await service.update(user_id, role=body.role, disabled=body.disabled, password=body.password)
    return UserEnvelope(user=UserOut.of(user))
