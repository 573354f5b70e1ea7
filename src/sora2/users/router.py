from __future__ import annotations

from fastapi import APIRouter, Request

from sora2.deps import AdminUser, SessionDep
from sora2.errors import BadRequest
from sora2.bodies import read_model
from sora2.users.schemas import CreateUserIn, CreateUserOut, UpdateUserIn, UserEnvelope, UserOut, UsersOut
from sora2.users.service import UserService

router = APIRouter(prefix="/api/admin", tags=["users"])


@router.get("/users", response_model=UsersOut)
async def list_users(_admin: AdminUser, session: SessionDep) -> UsersOut:
    """List every user (admin only)."""
    users = await UserService(session).repo.list()
    return UsersOut(users=[UserOut.of(u) for u in users])


@router.post("/users", response_model=CreateUserOut, openapi_extra=read_model.openapi(CreateUserIn))
async def create_user(request: Request, _admin: AdminUser, session: SessionDep) -> CreateUserOut:
    """Create a user (admin only)."""
    body = await read_model(request, CreateUserIn)
    user = await UserService(session).create(body.username, body.password, body.role)
    return CreateUserOut(user=UserOut.of(user))


@router.patch("/users/{user_id}", response_model=UserEnvelope)
async def update_user(user_id: str, body: UpdateUserIn, admin: AdminUser, session: SessionDep) -> UserEnvelope:
    """Change a user's role, disable or enable them, or reset their password (admin only)."""
    if user_id == admin.id and (body.disabled or body.role == "user"):
        raise BadRequest("You cannot disable or demote yourself")
    user = await UserService(session).update(user_id, role=body.role, disabled=body.disabled, password=body.password)
    return UserEnvelope(user=UserOut.of(user))
