"""Users and their roles: created from the command line or by an admin."""

import re
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ..db import Token, User
from ..vocab import Role
from .audit import audit
from .auth import hash_password
from .errors import Conflict, Invalid, NotFound

# Letters, digits and . _ - @, starting with a letter or digit: no spaces to hide a
# look-alike account, nothing a log or a page would need to escape.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")
MIN_PASSWORD = 12
# zxcvbn's guessability score (0-4): 3 means "safely unguessable" against an
# offline attack on a slow hash, which argon2 is. It knows common passwords, words,
# dates, keyboard patterns and repeats, and what it is told about the user.
MIN_PASSWORD_SCORE = 3
# zxcvbn's time grows with length; a longer password is not weak for being long.
SCORED_PREFIX = 100


def check_username(username: str) -> None:
    if not USERNAME.fullmatch(username):
        raise Invalid(
            "el usuario lleva de 1 a 80 letras, cifras o . _ - @, sin espacios / the "
            "username has 1 to 80 letters, digits or . _ - @, no spaces"
        )


def check_password(password: str, username: str) -> None:
    """Refuse (Invalid) a password shorter than 12 characters, or one that is common or
    made of the username or the programme's names."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"la contraseña necesita al menos {MIN_PASSWORD} caracteres / the password "
            f"must have at least {MIN_PASSWORD} characters"
        )
    known = [username, *re.split(r"[._@-]", username), "arraigo", "comar", "acnur", "unhcr"]
    if zxcvbn(password[:SCORED_PREFIX], user_inputs=known)["score"] < MIN_PASSWORD_SCORE:
        raise Invalid(
            "la contraseña es común o fácil de adivinar (p. ej. contiene el usuario) / the "
            "password is common or easy to guess (e.g. it contains the username)"
        )


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """A new user; refuses an unknown role or a taken name (Conflict), a malformed name
    or a weak password (Invalid)."""
    if role not in set(Role):
        raise Conflict(f"unknown role {role!r}; use one of {', '.join(Role)}")
    check_username(username)
    check_password(password, username)
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
    """Change a user's role or active flag (``changes``) or password; logged. A new
    password or a deactivation ends every session the user had open."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user {username!r}.")
    stays_admin = changes.get("role", user.role) == Role.admin and changes.get("active", True)
    if user.role == Role.admin and user.active and not stays_admin:
        others = session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.admin, User.active, User.id != user.id
            )
        )
        if not others:
            raise Conflict(
                "Debe quedar al menos un administrador activo / at least one active admin "
                "must remain."
            )
    for name, value in changes.items():
        setattr(user, name, value)
    logged = dict(changes)
    if password:
        check_password(password, username)
        user.password_hash = hash_password(password)
        logged["password"] = "changed"
    if password or changes.get("active") is False:
        session.execute(delete(Token).where(Token.user_id == user.id))
    audit(session, admin, "user_change", "user", username, **logged)
    return user
