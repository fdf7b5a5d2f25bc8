"""Sign-in: the standard OAuth2 password form returns a bearer token."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from .._deps import CurrentUser, SessionDep, oauth2
from .._schemas import TokenOut, UserOut
from .._security import authenticate, issue_token, revoke_token

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Sign in with username and password",
    responses={401: {"description": "Wrong username or password"}},
)
def sign_in(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """FastAPI's standard OAuth2 password form; the token goes in
    `Authorization: Bearer <token>`."""
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Usuario o contraseña incorrectos / wrong username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    hours = request.app.state.settings.token_hours
    token = issue_token(session, user, hours)
    return TokenOut(access_token=token, role=user.role, expires_in=int(hours * 3600))


@router.post("/auth/logout", status_code=204, summary="Revoke the current token")
def sign_out(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    bearer: Annotated[str | None, Depends(oauth2)],
) -> None:
    from .._deps import COOKIE

    token = bearer or request.cookies.get(COOKIE)
    if token:
        revoke_token(session, token)


@router.get("/api/v1/me", response_model=UserOut, tags=["users"], summary="Who am I")
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
