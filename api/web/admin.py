"""Administration pages (admin only): users, their roles and password resets (a reset
or a deactivation ends every open session of that user: services.users), and the audit
log filtered by user, action and dates, a page at a time."""

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from ..db import User
from ..deps import Offset, SessionDep
from ..services import users
from ..services.audit import audit, audit_actions, audit_entries
from ..vocab import Role
from .render import PageMessage, PageUser, attempt, page_router, render, see

router = page_router()
AdminPage = Annotated[User, Depends(PageUser())]
AUDIT_PAGE = 50


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: SessionDep,
    user: AdminPage,
    error: PageMessage = None,
    saved: str | None = None,
):
    everyone = users.list_users(session)
    return render(
        request,
        "users.html",
        user,
        users=everyone,
        roles=tuple(Role),
        error=error,
        # Only a name the list holds: a page's message never comes from its address.
        saved=saved if saved in {u.username for u in everyone} else None,
    )


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    session: SessionDep,
    user: AdminPage,
    username: Annotated[str, Form(max_length=80)],
    role: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=256)],
):
    def create() -> None:
        users.create_user(session, username, role, password)
        audit(session, user, "user_create", "user", username, role=role)

    _done, error = attempt(session, create)
    if error:
        return users_page(request, session, user, error=error)
    return see(f"/users?saved={username}")


@router.post("/users/{username}", response_class=HTMLResponse)
def change_user(
    request: Request,
    session: SessionDep,
    user: AdminPage,
    username: str,
    role: Annotated[Role, Form()],
    active: Annotated[bool, Form()] = False,
    password: Annotated[str, Form(max_length=256)] = "",
):
    """Role, active flag and, when given, a new password (which signs the user out)."""
    changes = {"role": str(role), "active": active}
    _done, error = attempt(
        session, lambda: users.change_user(session, user, username, changes, password or None)
    )
    if error:
        return users_page(request, session, user, error=error)
    return see(f"/users?saved={username}")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    user: AdminPage,
    username: Annotated[str, Query(max_length=80)] = "",
    action: Annotated[str, Query(max_length=60)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Offset = 0,
):
    start, end = _date(since), _date(until)
    total, entries = audit_entries(
        session, action or None, AUDIT_PAGE, offset, username or None, start, end
    )
    filters = {"username": username, "action": action, "since": since, "until": until}
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "audit.html",
        user,
        entries=entries,
        total=total,
        offset=offset,
        size=AUDIT_PAGE,
        filters=filters,
        query=query,
        usernames=[u.username for u in users.list_users(session)],
        actions=audit_actions(session),
        error=None if (start or not since) and (end or not until) else "Fecha no válida.",
    )
