"""Users and their roles: created from the command line or by an admin."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import User
from ..vocab import Role
from .audit import audit
from .auth import hash_password
from .errors import Conflict, NotFound


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """A new user; refuses (Conflict) an unknown role, a taken name or a weak password."""
    if role not in set(Role):
        raise Conflict(f"unknown role {role!r}; use one of {', '.join(Role)}")
    if len(password) < 8:
        raise Conflict("the password must have at least 8 characters")
    if not username or len(username) > 80:
        raise Conflict("the username must have 1 to 80 characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"the user {username!r} already exists")
    user = User(username=username, role=str(role), password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def change_user(
    session: Session,
    admin: User | str,
    username: str,
    changes: dict[str, Any],
    password: str | None = None,
) -> User:
    """Change a user's role or active flag (``changes``) or password; logged."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user {username!r}.")
    for name, value in changes.items():
        setattr(user, name, value)
    logged = dict(changes)
    if password:
        user.password_hash = hash_password(password)
        logged["password"] = "changed"
    audit(session, admin, "user_change", "user", username, **logged)
    return user
