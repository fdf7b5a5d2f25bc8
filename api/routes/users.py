"""Users and roles (admin only)."""

from fastapi import APIRouter

from ..deps import Admin, SessionDep
from ..schemas import UserIn, UserOut, UserPatch
from ..services import users
from ..services.audit import audit

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=list[UserOut], summary="List users")
def list_users(session: SessionDep, admin: Admin) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in users.list_users(session)]


@router.post("", response_model=UserOut, status_code=201, summary="Create a user")
def add_user(body: UserIn, session: SessionDep, admin: Admin) -> UserOut:
    user = users.create_user(session, body.username, body.role, body.password)
    audit(session, admin, "user_create", "user", body.username, role=body.role)
    return UserOut.model_validate(user)


@router.patch("/{username}", response_model=UserOut, summary="Change a user's role or password")
def change_user(username: str, body: UserPatch, session: SessionDep, admin: Admin) -> UserOut:
    changes = body.model_dump(exclude_none=True, exclude={"password"})
    user = users.change_user(session, admin, username, changes, body.password)
    return UserOut.model_validate(user)
