"""What routes and pages share at the HTTP edge, declared once: the database session,
the signed-in user and role guards, the service objects each process holds, and the
reading of uploaded files."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, Response, UploadFile, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from .db import User, transaction
from .services.auth import user_for_token
from .services.errors import TooLarge
from .services.imports import MAX_UPLOAD_BYTES
from .services.jobs import PlanRunner
from .services.matching import MatchingService
from .services.pending import PendingUploads
from .services.signin import SignInGuard
from .settings import Settings
from .vocab import CASEWORKERS, Role

COOKIE = "arraigo_session"
oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session per request, committed if the endpoint returns, rolled back if it raises."""
    with transaction(request.app.state.sessions) as session:
        yield session


# Committed before the response is sent, so a client's next request sees the change.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


BearerToken = Annotated[str | None, Depends(oauth2)]
NOT_SIGNED_IN = "Not signed in, or the session expired / Sesión no iniciada o vencida."


def signed_in(session: Session, token: str | None) -> User:
    """The user a bearer token or session cookie belongs to, else 401."""
    user = user_for_token(session, token) if token else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=NOT_SIGNED_IN,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def allowed(user: User, roles: frozenset[str]) -> User:
    """The user if their role is one of ``roles`` (or admin), else 403."""
    if user.role not in roles and user.role != Role.admin:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"The role '{user.role}' may not do this / Su rol no permite esta acción.",
        )
    return user


def current_user(session: SessionDep, bearer: BearerToken) -> User:
    """The signed-in user of the API, from a bearer token only: the page cookie, which
    a browser sends on its own, is no credential here (pages use render.PageUser)."""
    return signed_in(session, bearer)


CurrentUser = Annotated[User, Depends(current_user)]


class RequireRole:
    """Allow only these roles (admin is always allowed)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles) | {Role.admin}

    # async: a check without I/O runs on the event loop, not in a worker thread.
    async def __call__(self, user: CurrentUser) -> User:
        return allowed(user, self.roles)


Staff = Annotated[User, Depends(RequireRole(Role.relocation_staff))]
StaffOrOfficer = Annotated[User, Depends(RequireRole(*CASEWORKERS))]
AnyRole = Annotated[User, Depends(RequireRole(*Role))]
Admin = Annotated[User, Depends(RequireRole())]

# Row ids are 32-bit integers in PostgreSQL and offsets 64-bit in SQLite: a larger number
# in a path or query is the client's mistake (422), not a database overflow (500).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]


# The objects each service process holds (see app.create_app).
def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _runner(request: Request) -> PlanRunner:
    return request.app.state.runner


def _matching(request: Request) -> MatchingService:
    return request.app.state.matching


def _pending(request: Request) -> PendingUploads:
    return request.app.state.pending_uploads


def _sign_in_guard(request: Request) -> SignInGuard:
    return request.app.state.sign_in_guard


def client_address(request: Request) -> str:
    """The client's address (behind a reverse proxy, the one uvicorn's
    `--forwarded-allow-ips` trusts the proxy to name)."""
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(_settings)]
RunnerDep = Annotated[PlanRunner, Depends(_runner)]
MatchingDep = Annotated[MatchingService, Depends(_matching)]
PendingDep = Annotated[PendingUploads, Depends(_pending)]
SignInGuardDep = Annotated[SignInGuard, Depends(_sign_in_guard)]


def csv_download(content: str, filename: str) -> Response:
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def read_uploads(files: list[UploadFile] | None) -> list[tuple[str, bytes]]:
    """Each uploaded file's name and bytes (files without a name are skipped), refusing
    any larger than the service accepts."""
    contents = []
    for upload in files or []:
        if not upload.filename:
            continue
        content = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise TooLarge(
                f"{upload.filename}: más de {MAX_UPLOAD_BYTES // 2**20} MiB / "
                f"more than {MAX_UPLOAD_BYTES // 2**20} MiB."
            )
        contents.append((upload.filename, content))
    return contents
