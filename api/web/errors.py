"""Errors a browser sees as a page in its language: an unknown address, a method an
address does not take, a malformed value in an address. Programs (the JSON API, the
token endpoint, the docs) and anything that does not ask for HTML keep FastAPI's JSON."""

from fastapi import Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .render import render, visitor

# Starlette's own words for a status, said plainly in Spanish (en.txt has the English).
PLAIN = {
    404: "No existe esta página.",
    405: "Esta dirección no admite esa acción.",
}
_STOCK = frozenset({"Not Found", "Method Not Allowed"})
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
