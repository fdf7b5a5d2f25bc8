"""Users and roles (admin only)."""

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from .._audit import audit
from .._deps import Admin, SessionDep
from .._models import User
from .._schemas import UserIn, UserOut, UserPatch
from .._security import create_user, hash_password

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=list[UserOut], summary="List users")
def list_users(session: SessionDep, admin: Admin) -> list[UserOut]:
    users = session.scalars(select(User).order_by(User.username))
    return [UserOut.model_validate(u) for u in users]


@router.post("", response_model=UserOut, status_code=201, summary="Create a user")
def add_user(body: UserIn, session: SessionDep, admin: Admin) -> UserOut:
    try:
        user = create_user(session, body.username, body.role, body.password)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    audit(session, admin, "user_create", "user", body.username, role=body.role)
    return UserOut.model_validate(user)


@router.patch("/{username}", response_model=UserOut, summary="Change a user's role or password")
def change_user(username: str, body: UserPatch, session: SessionDep, admin: Admin) -> UserOut:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No user {username!r}.")
    changes = body.model_dump(exclude_none=True, exclude={"password"})
    for name, value in changes.items():
        setattr(user, name, value)
    if body.password:
        user.password_hash = hash_password(body.password)
        changes["password"] = "changed"
    audit(session, admin, "user_change", "user", username, **changes)
    return UserOut.model_validate(user)
