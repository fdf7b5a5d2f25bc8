"""What every page shares: templates, the language switch, labels for the codes the
service speaks, the signed-in user of a page, and turning a service's refusal into a
message on the page rather than JSON."""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from arraigo.data import resource_label

from ..db import User
from ..deps import COOKIE, SessionDep
from ..protect import with_nonce
from ..services.auth import user_for_token
from ..services.errors import ServiceError
from ..vocab import CASEWORKERS, Role
from .messages import in_language
from .words import AUDIT, CODES, country, language_name

HERE = Path(__file__).parent
LANG_COOKIE = "arraigo_lang"
LANGUAGES = ("es", "en")

# Which pages each role sees in the navigation (admin sees all).
PAGES: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("/data", "Datos", CASEWORKERS),
    ("/candidates", "Candidatos", CASEWORKERS),
    ("/plans", "Planes", frozenset({Role.relocation_staff})),
    ("/placements", "Reubicaciones", CASEWORKERS),
    ("/monitoring", "Monitoreo", frozenset(Role) - {Role.admin}),
    ("/files", "Expedientes", CASEWORKERS),
    ("/duplicates", "Duplicados", frozenset({Role.relocation_staff})),
    ("/models", "Modelo de resultados", frozenset({Role.relocation_staff})),
    ("/exports", "Exportar", CASEWORKERS),
    ("/users", "Usuarios", frozenset()),
    ("/audit", "Bitácora", frozenset()),
)
# Words the API speaks in codes (statuses, roles, file kinds, counts, dimensions).
LABELS = {
    "admin": "administración",
    "relocation_staff": "personal de reubicación",
    "employment_officer": "oficial de empleo",
    "partner": "organización aliada",
    "people": "personas",
    "families": "familias",
    "destinations": "destinos",
    "vacancies": "vacantes",
    "outcomes": "resultados",
    "new": "nuevos",
    "new_f": "nuevas",
    "updated_f": "actualizadas",
    "stored_f": "ya registradas",
    "placed_f": "ya reubicadas",
    "updated": "actualizados",
    "unchanged": "sin cambios",
    "stored": "ya registrados",
    "placed": "ya reubicados",
    "changed": "con cambios",
    "rows": "filas",
    "city": "ciudad",
    "month": "mes",
    "nationality": "nacionalidad",
    "sex": "sexo",
    "age_band": "grupo de edad",
    "language": "primer idioma",
    "queued": "En cola",
    "running": "Calculando",
    "draft": "Borrador",
    "approved": "Aprobado",
    "failed": "Falló",
    "cancelled": "Cancelado",
    "proposed": "Propuesta",
    "moved": "Trasladada",
    "interviewed": "Entrevistada",
    "hired": "Contratada",
    "employed_30d": "Empleada a los 30 días",
    "employed_90d": "Empleada a los 90 días",
    "employed_180d": "Empleada a los 180 días",
    "left": "Dejó el programa",
    "placement_cancelled": "Cancelada",
    "lock": "Fijar",
    "veto": "Vetar",
    "move": "Mover",
    "same_name_age": "mismo nombre y edad",
    "same_phone": "mismo teléfono",
    "dup_open": "Por revisar",
    "dup_distinct": "Son personas distintas",
    "dup_same_person": "Es la misma persona",
}

# Counts of personas, familias and vacantes agree with them ("familias: 250 nuevas").
FEMININE = frozenset(code for code in LABELS if code.endswith("_f"))


@cache
def _english() -> dict[str, str]:
    """Spanish page text -> English, one pair a line in templates/en.txt ("es = en")."""
    pairs = {}
    for line in (HERE / "templates" / "en.txt").read_text(encoding="utf-8").splitlines():
        if " = " in line and not line.startswith("#"):
            spanish, english = line.split(" = ", 1)
            pairs[spanish.strip()] = english.strip()
    return pairs


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "es")
    return lang if lang in LANGUAGES else "es"


def translator(lang: str) -> Callable[[str], str]:
    if lang == "es":
        return lambda text: text
    english = _english()
    return lambda text: english.get(text, text)


templates = Jinja2Templates(directory=HERE / "templates")


def page_words(lang: str, _: Callable[[str], str]) -> dict[str, Any]:
    """The templates' helpers that put codes and counts in words, in ``lang``."""

    def label(code: str) -> str:
        return _(LABELS.get(code, code))

    def word(kind: str, code: str) -> str:  # word("document", "curp") -> CURP
        return _(CODES[kind].get(code, code))

    return {
        "label": label,
        "feminine": FEMININE,
        # A placement's status: a reubicación is feminine ("Cancelada"; a plan "Cancelado").
        "placement_status": lambda code: label(
            f"placement_{code}" if f"placement_{code}" in LABELS else code
        ),
        "audit_word": lambda code: _(AUDIT[code]) if code in AUDIT else label(code),
        # A service's own message ("es / en", or English only) in the page's language.
        "said": lambda text: in_language(text, lang, label),
        "resource_label": lambda resource: _(resource_label(resource)),
        # "1 familia", "2 familias": a number with its noun.
        "count": lambda n, one, many: f"{n:,} {_(one) if n == 1 else _(many)}",
        "word": word,
        "words": lambda kind, codes: ", ".join(word(kind, c) for c in codes or ()),
        "country": lambda code: country(code, lang),
        "languages": lambda codes: ", ".join(language_name(c, lang) for c in codes or ()),
    }


def render(request: Request, name: str, user: User | None, code: int = 200, **context: Any):
    lang = language(request)
    nonce = request.state.csp_nonce  # set for each response by protect.SecureEdge
    _ = translator(lang)
    for key in ("detail", "error"):  # a service's message, in the page's language
        if isinstance(context.get(key), str):
            context[key] = in_language(context[key], lang, lambda c: _(LABELS.get(c, c)))
    nav = [
        (path, _(label))
        for path, label, roles in PAGES
        if user is not None and (user.role == Role.admin or user.role in roles)
    ]
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "lang": lang,
            "_": _,
            "nav": nav,
            **page_words(lang, _),
            "here": request.url.path,
            "csp_nonce": nonce,
            "nonced": lambda html: with_nonce(html, nonce),
            **context,
        },
        status_code=code,
    )


def visitor(request: Request) -> User | None:
    """The signed-in visitor, if any, so an error page keeps their navigation: the
    page's own user while still loaded, else found again by the session cookie (the
    rollback of a failed request leaves its user unloaded, and detached)."""
    user = getattr(request.state, "page_user", None)
    if user is not None and not inspect(user).expired_attributes:
        return user
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    with request.app.state.sessions() as session:
        return user_for_token(session, token)


class PageRoute(APIRoute):
    """Errors on a page come back as a page, not as JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except (HTTPException, ServiceError) as exc:
                code = exc.status_code if isinstance(exc, HTTPException) else exc.status
                if code < 400:
                    raise
                user = visitor(request)
                # A record not found by a text id quotes the address, which anyone can
                # write: the page says so in its own words, never the address's.
                quoted = isinstance(exc, ServiceError) and "'" in str(exc.detail)
                detail = _NOT_FOUND if code == 404 and quoted else exc.detail
                return render(request, "error.html", user, code, detail=detail)

        return run


_NOT_FOUND = "No existe lo que busca: revise el identificador / not found: check the id."


def page_router() -> APIRouter:
    """A router for pages: errors as pages, kept out of the API schema."""
    return APIRouter(route_class=PageRoute, include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


class PageUser:
    """The signed-in user of a page: anonymous visitors go to sign-in, other roles get 403."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles) | {Role.admin}

    def __call__(self, request: Request, session: SessionDep) -> User:
        token = request.cookies.get(COOKIE)
        user = user_for_token(session, token) if token else None
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise HTTPException(
                status.HTTP_303_SEE_OTHER,
                headers={
                    "Location": str(
                        request.url_for("sign_in_page").include_query_params(next=target)
                    )
                },
            )
        request.state.page_user = user
        if user.role not in self.roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail="Su rol no permite ver esta página."
            )
        return user


def _no_message() -> None:
    """A page shows a message only from the service call it has just made, never text
    from its address (``?error=`` would let a link show any words as ours)."""
    return None


# A page function's ``error``: what another page function passes it, None over HTTP.
PageMessage = Annotated[str | None, Depends(_no_message)]
Workers = Annotated[User, Depends(PageUser(*CASEWORKERS))]
StaffPage = Annotated[User, Depends(PageUser(Role.relocation_staff))]
Everyone = Annotated[User, Depends(PageUser(*Role))]


def attempt(session: Session, call: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a service call and commit what it wrote, so the page the browser is sent to
    next sees it (the session dependency would commit only after the response); a
    refusal becomes a message and undoes any write it began."""
    try:
        value = call()
    except ServiceError as exc:
        session.rollback()
        return None, exc.detail
    session.commit()
    return value, None


def see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)
