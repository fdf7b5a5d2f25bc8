"""Sign-in: the standard OAuth2 password form returns a bearer token."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from ..deps import (
    BearerToken,
    CurrentUser,
    SessionDep,
    SettingsDep,
    SignInGuardDep,
    client_address,
)
from ..schemas import TokenOut, UserOut
from ..services.auth import issue_token, revoke_token

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Sign in with username and password",
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many attempts: wait `Retry-After` seconds"},
    },
)
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    guard: SignInGuardDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """FastAPI's standard OAuth2 password form; the token goes in
    `Authorization: Bearer <token>`. Repeated failures for an account or from an
    address are answered 429 with `Retry-After` (seconds), doubling each time."""
    user = guard.authenticate(session, form.username, form.password, client_address(request))
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Usuario o contraseña incorrectos / wrong username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    hours = settings.token_hours
    token = issue_token(session, user, hours)
    return TokenOut(access_token=token, role=user.role, expires_in=int(hours * 3600))


@router.post("/auth/logout", status_code=204, summary="Revoke the current token")
def sign_out(session: SessionDep, user: CurrentUser, bearer: BearerToken) -> None:
    if bearer:
        revoke_token(session, bearer)


@router.get("/api/v1/me", response_model=UserOut, tags=["users"], summary="Who am I")
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
