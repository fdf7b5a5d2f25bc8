"""Signing in and out of the pages, the language switch, and each role's start page."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse

from ..deps import COOKIE, SessionDep, SettingsDep, SignInGuardDep, client_address
from ..services.auth import issue_token, revoke_token
from ..services.errors import TooManyAttempts, retry_after
from ..vocab import Role
from .render import LANG_COOKIE, LANGUAGES, Everyone, page_router, render, safe_next, see

router = page_router()


@router.get("/sign-in", response_class=HTMLResponse, name="sign_in_page")
def sign_in_page(request: Request, next: str | None = None):
    return render(request, "sign_in.html", None, next=safe_next(next), error=None)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    guard: SignInGuardDep,
    next: Annotated[str, Form()] = "/",
):
    try:
        user = guard.authenticate(session, username, password, client_address(request))
    except TooManyAttempts as exc:
        page = render(
            request,
            "sign_in.html",
            None,
            code=exc.status,
            next=safe_next(next),
            error="Demasiados intentos; espere un momento antes de volver a intentar.",
            username=username,
        )
        page.headers.update(retry_after(exc) or {})
        return page
    if user is None:
        return render(
            request,
            "sign_in.html",
            None,
            code=401,
            next=safe_next(next),
            error="Usuario o contraseña incorrectos.",
            username=username,
        )
    token = issue_token(session, user, settings.token_hours)
    session.commit()  # before the browser follows the redirect with the new cookie
    response = see(safe_next(next))
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.token_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep):
    token = request.cookies.get(COOKIE)
    if token:
        revoke_token(session, token)
        session.commit()
    response = see("/sign-in")
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/language/{lang}")
def set_language(lang: str, next: str | None = None):
    response = see(safe_next(next))
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


# Each role starts where its work is.
START = {
    Role.partner: "/monitoring",
    Role.employment_officer: "/candidates",
    Role.relocation_staff: "/plans",
}


@router.get("/", name="home")
def home(user: Everyone):
    return see(START.get(user.role, "/data"))
