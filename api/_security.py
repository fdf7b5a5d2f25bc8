"""Passwords (argon2), bearer tokens and the roles that guard every endpoint."""

import datetime as dt
import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ._models import Token, User, now

ROLES: Final = ("admin", "relocation_staff", "employment_officer", "partner")
# Roles that may see personal data (names, phones, documents, free text) of everyone;
# an employment officer sees it only for their own candidates; a partner never.
PERSONAL_DATA_ROLES: Final = frozenset({"admin", "relocation_staff"})

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way: no timing hint that a name exists
        return None
    return user if verify_password(user.password_hash, password) else None


def issue_token(session: Session, user: User, hours: float) -> str:
    """A new random token for the user; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    expires = now() + dt.timedelta(hours=hours)
    session.add(Token(token_hash=_digest(token), user_id=user.id, expires_at=expires))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired token belongs to (one query: every request
    asks it)."""
    found = session.execute(
        select(User, Token.expires_at)
        .join(Token, Token.user_id == User.id)
        .where(Token.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    user, expires = found
    if expires.tzinfo is None:  # SQLite returns naive datetimes
        expires = expires.replace(tzinfo=dt.UTC)
    if expires <= now():
        return None
    return user if user.active else None


def revoke_token(session: Session, token: str) -> None:
    session.execute(delete(Token).where(Token.token_hash == _digest(token)))


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """A new user; raises ValueError on an unknown role, a taken name or a weak password."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    if not username or len(username) > 80:
        raise ValueError("the username must have 1 to 80 characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"the user {username!r} already exists")
    user = User(username=username, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user
