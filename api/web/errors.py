"""Errors a browser sees as a page in its language: an unknown address, a method an
address does not take, a malformed value in an address, and a fault of ours (500),
which gets a reference the reader can quote to support and the log keeps with its
traceback. Programs (the JSON API, the token endpoint, the docs) and anything that does
not ask for HTML keep JSON."""

import logging
import secrets

from fastapi import Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .render import render, visitor

# Starlette's own words for a status, said plainly in Spanish (en.txt has the English).
PLAIN = {
    404: "No existe esta página.",
    405: "Esta dirección no admite esa acción.",
}
_STOCK = frozenset({"Not Found", "Method Not Allowed"})
UNEXPECTED = (
    "Algo salió mal de nuestro lado y no se completó. Intente de nuevo en un momento; si "
    "vuelve a pasar, dé a soporte la referencia de abajo."
)
log = logging.getLogger(__name__)
# Paths whose answers are for programs, always JSON.
PROGRAM_PATHS = ("/api/", "/auth/", "/docs", "/openapi", "/health")


def wants_page(request: Request) -> bool:
    """A browser asking for a page (its Accept names HTML), not a program."""
    if request.url.path.startswith(PROGRAM_PATHS):
        return False
    return "text/html" in request.headers.get("accept", "")


async def http_error(request: Request, exc: HTTPException) -> Response:
    if not wants_page(request) or exc.status_code < 400:
        return await http_exception_handler(request, exc)
    detail = PLAIN.get(exc.status_code, exc.detail) if exc.detail in _STOCK else exc.detail
    page = render(request, "error.html", visitor(request), exc.status_code, detail=detail)
    page.headers.update(exc.headers or {})
    return page


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if not wants_page(request):
        return await request_validation_exception_handler(request, exc)
    detail = "La dirección o el formulario llevan un valor no válido."
    return render(request, "error.html", visitor(request), 422, detail=detail)


def unstorable_page(request: Request) -> Response | None:
    """For a browser, a value the database refuses (a NUL character in a form field) as
    a page; None for a program, which gets the JSON with the database's reason."""
    if not wants_page(request):
        return None
    detail = "Un valor del formulario no se puede guardar; revíselo."
    return render(request, "error.html", visitor(request), 422, detail=detail)


class Unexpected:
    """ASGI middleware: an exception no handler took becomes a 500 with a reference
    (logged with the traceback): a page in the reader's language for a browser, JSON
    for a program. Never a traceback or a bare ``{"detail": ...}`` on a page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            reference = secrets.token_hex(4).upper()
            where = f"{scope['method']} {scope['path']}"
            log.exception("Unexpected error, reference %s: %s", reference, where)
            if started:  # part of the answer is out: nothing else can be said
                raise
            await _unexpected(Request(scope), reference)(scope, receive, send)


def _unexpected(request: Request, reference: str) -> Response:
    if not wants_page(request):
        ref = reference
        detail = f"Error inesperado, referencia {ref} / unexpected error, reference {ref}."
        return JSONResponse({"detail": detail, "reference": reference}, status_code=500)
    try:
        user = visitor(request)
    except Exception:  # the database itself may be what failed
        user = None
    try:
        return render(request, "error.html", user, 500, detail=UNEXPECTED, reference=reference)
    except Exception:
        log.exception("The error page for reference %s failed too", reference)
        return PlainTextResponse(
            f"Algo salió mal / something went wrong. Referencia / reference: {reference}", 500
        )
