"""The FastAPI application: `create_app()` wires settings, database, the service objects
each process holds, the JSON API and the pages."""

import os
import signal
import threading
import time
from contextlib import asynccontextmanager
from importlib.metadata import version

from anyio import to_thread
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from . import routes, web
from .db import make_engine, session_factory, upgrade
from .protect import BoundedBodies, SecureEdge
from .services.auth import use_password_cost
from .services.errors import ServiceError, retry_after
from .services.jobs import PlanRunner, recover
from .services.matching import MatchingService, Refitter
from .services.pending import PendingUploads, default_directory
from .services.signin import SignInGuard
from .settings import Settings, get_settings
from .web.errors import Unexpected, http_error, invalid_request, unstorable_page

DESCRIPTION = """
Relocation planning and job matching for the COMAR–UNHCR local integration programme.

Sign in at `POST /auth/token` (OAuth2 password form) and send the token as
`Authorization: Bearer <token>`. Roles: **admin**, **relocation_staff** (plans and
personal data), **employment_officer** (matching, placements, personal data of their
own candidates), **partner** (aggregated monitoring only). Errors come with a plain
`detail`; file problems name the file, row and column.

This service uses the ESCO classification of the European Commission.
"""


async def refused(request: Request, exc: ServiceError) -> JSONResponse:
    """A service's refusal as the status its kind stands for, with its reason."""
    headers = retry_after(exc)
    return JSONResponse(status_code=exc.status, content={"detail": exc.detail}, headers=headers)


async def unstorable_value(request: Request, exc: DataError) -> Response:
    """A value the database refuses to store or compare (a NUL character in text, a
    number out of range: PostgreSQL rejects both) is the request's fault, not a 500."""
    page = unstorable_page(request)
    if page is not None:
        return page
    reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "invalid value"
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": f"Un valor no se puede guardar / a value cannot be stored: {reason}"},
    )


def stop_with_supervisor() -> None:
    """In a worker of `arraigo serve --workers N`: stop gracefully if the supervisor
    process dies (killed, out of memory), rather than live on holding the port."""
    supervisor = os.environ.get("ARRAIGO_SUPERVISOR_PID")
    if not supervisor:
        return

    def watch() -> None:
        while os.getppid() == int(supervisor):
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="arraigo-supervisor", daemon=True).start()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service, on the database the settings name (upgraded to the latest schema)."""
    settings = settings or get_settings()
    use_password_cost(settings.password_time_cost, settings.password_memory_kib)
    engine = make_engine(settings.database_url)
    upgrade(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        stop_with_supervisor()
        refitter = Refitter(app.state.matching, app.state.sessions)
        refitter.start()
        yield
        refitter.shutdown()
        app.state.runner.shutdown()
        engine.dispose()

    app = FastAPI(
        title="Arraigo",
        version=version("arraigo"),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by routes.docs from the package, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    # Plans that were running when the service last stopped did not finish: say so.
    recover(app.state.sessions)
    app.state.runner = PlanRunner(app.state.sessions, settings.database_url)
    app.state.matching = MatchingService()
    app.state.pending_uploads = PendingUploads(
        settings.pending_dir or default_directory(settings.database_url)
    )
    app.state.sign_in_guard = SignInGuard(app.state.sessions)
    app.include_router(routes.router)
    app.include_router(web.router)
    app.add_middleware(BoundedBodies)
    # Any other exception: a 500 with a reference, inside the edge so it gets the headers.
    app.add_middleware(Unexpected)
    # Added last, so it runs first: even a refused request gets the headers.
    app.add_middleware(SecureEdge, public_origin=settings.public_origin)
    app.add_exception_handler(ServiceError, refused)
    app.add_exception_handler(DataError, unstorable_value)
    # Browsers get unknown addresses and bad values as a page in their language.
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    return app
