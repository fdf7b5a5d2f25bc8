"""Sign-in: passwords (argon2) and bearer tokens (only their digest is stored)."""

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import Token, User, now

_hasher = PasswordHasher()


def use_password_cost(time_cost: int, memory_kib: int) -> None:
    """Hash new passwords with this argon2 cost (settings; tests use the cheapest).
    Stored hashes carry their own cost, so they still verify after a change."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


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
