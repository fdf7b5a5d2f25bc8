"""Server-rendered pages for staff, employment officers and partners.

Every page calls the same route functions the JSON API serves (so the rules on roles,
personal data, audit and validation live in one place); this module only turns their
answers into HTML. Spanish by default, English through the language switch.
"""

import datetime as dt
import secrets
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args

import plotly.graph_objects as go
import plotly.io as pio
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from arraigo.data import base_map, fold, reference_origins, resource_label

from ._deps import COOKIE, RowId, SessionDep
from ._imports import run_import
from ._models import User
from ._monitoring import Dimension
from ._schemas import DecisionIn, EventIn, PlacementPatch, PlacementStatus, PlanRequest
from ._security import authenticate, issue_token, revoke_token, user_for_token
from ._store import current_frame
from .routes import matching, monitoring, placements, plans, records
from .routes.imports import MAX_UPLOAD_BYTES, list_imports

HERE = Path(__file__).parent
LANG_COOKIE = "arraigo_lang"
LANGUAGES = ("es", "en")
STATUSES: tuple[str, ...] = get_args(PlacementStatus)
# Checked uploads wait this long for the user to confirm the import.
PENDING_SECONDS = 30 * 60

# Which pages each role sees in the navigation (admin sees all).
PAGES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("/data", "Datos", frozenset({"relocation_staff", "employment_officer"})),
    ("/candidates", "Candidatos", frozenset({"relocation_staff", "employment_officer"})),
    ("/plans", "Planes", frozenset({"relocation_staff"})),
    ("/placements", "Reubicaciones", frozenset({"relocation_staff", "employment_officer"})),
    (
        "/monitoring",
        "Monitoreo",
        frozenset({"relocation_staff", "employment_officer", "partner"}),
    ),
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
    "updated": "actualizados",
    "unchanged": "sin cambios",
    "rows": "filas",
    "city": "ciudad",
    "month": "mes",
    "nationality": "nacionalidad",
    "sex": "sexo",
    "age_band": "grupo de edad",
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
    "employed_30d": "Empleada a 30 días",
    "employed_90d": "Empleada a 90 días",
    "employed_180d": "Empleada a 180 días",
    "left": "Dejó el programa",
    "lock": "Fijar",
    "veto": "Vetar",
    "move": "Mover",
}


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


def _listed(items: list[str] | None, sep: str) -> str:
    """A match's gaps or blockers as one line. The matching API currently turns each
    of these texts into a list of its characters (list() of a string); joining single
    characters back restores the text, and real lists read with ``sep``."""
    items = list(items or [])
    if items and all(len(item) <= 1 for item in items):
        return "".join(items)
    return sep.join(items)


templates.env.filters["listed"] = _listed


def render(request: Request, name: str, user: User | None, code: int = 200, **context: Any):
    lang = language(request)
    _ = translator(lang)
    nav = [
        (path, _(label))
        for path, label, roles in PAGES
        if user is not None and (user.role == "admin" or user.role in roles)
    ]
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "lang": lang,
            "_": _,
            "nav": nav,
            "label": lambda code: _(LABELS.get(code, code)),
            "resource_label": lambda r: _(resource_label(r)),
            "here": request.url.path,
            **context,
        },
        status_code=code,
    )


class PageRoute(APIRoute):
    """Errors on a page come back as a page, not as JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                if exc.status_code < 400:
                    raise
                user = getattr(request.state, "page_user", None)
                return render(request, "error.html", user, exc.status_code, detail=exc.detail)

        return run


router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


class PageUser:
    """The signed-in user of a page: anonymous visitors go to sign-in, other roles get 403."""

    def __init__(self, *roles: str) -> None:
        self.roles = frozenset(roles) | {"admin"}

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


Workers = Annotated[User, Depends(PageUser("relocation_staff", "employment_officer"))]
StaffPage = Annotated[User, Depends(PageUser("relocation_staff"))]
Everyone = Annotated[User, Depends(PageUser("relocation_staff", "employment_officer", "partner"))]


def attempt(session, call: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run an API function and commit what it wrote, so the page the browser is sent to
    next sees it (the session dependency would commit only after the response); a
    refusal (HTTPException) becomes a message and undoes any write it began."""
    try:
        value = call()
    except HTTPException as exc:
        session.rollback()
        return None, str(exc.detail)
    session.commit()
    return value, None


def see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


# ---------------------------------------------------------------- static files

STATIC = HERE / "static"


@router.get("/static/plotly.min.js", name="plotly_js")
def plotly_js() -> FileResponse:
    """plotly.js from the plotly package itself: no CDN, works offline."""
    path = Path(pio.__file__).parent.parent / "package_data" / "plotly.min.js"
    return FileResponse(path, media_type="text/javascript", headers=_CACHE)


_CACHE = {"Cache-Control": "public, max-age=86400"}


@router.get("/static/north-america_110m.json", name="base_map")
def base_map_json() -> Response:
    """The North America outline plotly's maps draw on (shipped in arraigo.data), so
    maps need no CDN."""
    return Response(base_map(), media_type="application/json", headers=_CACHE)


_TYPES = {".css": "text/css", ".js": "text/javascript", ".json": "application/json"}


@router.get("/static/{name}", name="static")
def static(name: str) -> FileResponse:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="No existe este archivo.")
    return FileResponse(path, media_type=_TYPES.get(path.suffix), headers=_CACHE)


# ---------------------------------------------------------------- sign in, language


@router.get("/sign-in", response_class=HTMLResponse, name="sign_in_page")
def sign_in_page(request: Request, next: str | None = None):
    return render(request, "sign_in.html", None, next=_safe_next(next), error=None)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/",
):
    user = authenticate(session, username, password)
    if user is None:
        return render(
            request,
            "sign_in.html",
            None,
            code=401,
            next=_safe_next(next),
            error="Usuario o contraseña incorrectos.",
            username=username,
        )
    settings = request.app.state.settings
    token = issue_token(session, user, settings.token_hours)
    session.commit()  # before the browser follows the redirect with the new cookie
    response = see(_safe_next(next))
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
    response = see(_safe_next(next))
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/", name="home")
def home(user: Everyone):
    """Each role starts where its work is."""
    start = {
        "partner": "/monitoring",
        "employment_officer": "/candidates",
        "relocation_staff": "/plans",
    }
    return see(start.get(user.role, "/data"))


# ---------------------------------------------------------------- data


def _capacity_table(session, user: User) -> list[dict[str, Any]]:
    """Capacity rows of the monitoring API, one line per city."""
    rows = monitoring.get_capacity(session, user)
    cities: dict[str, dict[str, Any]] = {}
    for row in rows:
        cities.setdefault(row.city, {})[row.resource] = row
    return [{"city": city, "resources": resources} for city, resources in cities.items()]


def _pending(request: Request) -> dict[str, tuple[int, float, list[tuple[str, bytes]]]]:
    """Checked uploads waiting for confirmation, by a random key (in this process)."""
    store = getattr(request.app.state, "pending_uploads", None)
    if store is None:
        store = request.app.state.pending_uploads = {}
    for key in [k for k, v in store.items() if time.monotonic() - v[1] > PENDING_SECONDS]:
        del store[key]
    return store


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, session: SessionDep, user: Workers):
    return render(
        request,
        "data.html",
        user,
        capacity=_capacity_table(session, user),
        result=None,
        pending=None,
        imports=_recent_imports(session, user),
    )


def _recent_imports(session, user: User):
    return list_imports(session, user, limit=10).items


@router.post("/data", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: SessionDep,
    user: Workers,
    files: Annotated[list[UploadFile] | None, File()] = None,
    pending: Annotated[str | None, Form()] = None,
):
    """First a check (nothing stored), then, when it is clean, a confirmation that
    stores the same bytes."""
    store = _pending(request)
    contents: list[tuple[str, bytes]] = []
    if pending:
        owner, _at, contents = store.pop(pending, (None, 0.0, []))
        if owner != user.id:
            raise HTTPException(
                status.HTTP_410_GONE, detail="La carga venció: vuelva a subir los archivos."
            )
    else:
        for upload_file in files or []:
            if not upload_file.filename:
                continue
            content = await upload_file.read(MAX_UPLOAD_BYTES + 1)
            if len(content) > MAX_UPLOAD_BYTES:
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE,
                    detail=f"{upload_file.filename}: más de {MAX_UPLOAD_BYTES // 2**20} MiB.",
                )
            contents.append((upload_file.filename, content))
    if not contents:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Elija al menos un archivo.")
    result = run_import(session, contents, user, dry_run=not pending)
    key = None
    if not result.ok:
        session.rollback()
    elif not pending:
        key = secrets.token_urlsafe(16)
        store[key] = (user.id, time.monotonic(), contents)
    else:
        session.commit()
    return render(
        request,
        "data.html",
        user,
        code=200 if result.ok else 422,
        capacity=_capacity_table(session, user),
        result=result,
        stored=bool(pending) and result.ok,
        files=[name for name, _c in contents],
        pending=key,
        imports=_recent_imports(session, user),
    )


# ---------------------------------------------------------------- candidate search


@router.get("/candidates", response_class=HTMLResponse)
def candidates_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    q: str = "",
    person_id: str | None = None,
    vacancy_id: str | None = None,
):
    people = records.list_people(session, user, limit=1000).items
    found = []
    if q.strip():
        needle = fold(q.strip())
        found = [
            p for p in people if needle in fold(p.person_id) or needle in fold(p.full_name or "")
        ][:25]
    person, person_matches, vacancy_matches, error = None, None, None, None
    if person_id:
        person, error = attempt(session, lambda: records.get_person(person_id, session, user))
        if person is not None:
            person_matches, error = attempt(
                session,
                lambda: matching.matches_for_person(person_id, request, session, user, k=10),
            )
    vacancies = records.list_vacancies(session, user, limit=1000).items
    if vacancy_id:
        vacancy_matches, error = attempt(
            session,
            lambda: matching.vacancy_candidates(vacancy_id, request, session, user, k=10),
        )
    return render(
        request,
        "candidates.html",
        user,
        q=q,
        found=found,
        person=person,
        person_matches=person_matches,
        vacancy_id=vacancy_id,
        vacancy=next((v for v in vacancies if v.vacancy_id == vacancy_id), None),
        vacancies=vacancies,
        vacancy_matches=vacancy_matches,
        error=error,
    )


# ---------------------------------------------------------------- plans


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request, session: SessionDep, user: StaffPage, error: str | None = None):
    families = records.list_families(session, user, limit=1000).items
    placed = plans._placed_families(session)
    waiting = [f for f in families if f.family_id not in placed]
    return render(
        request,
        "plans.html",
        user,
        plans=plans.list_plans(session, user),
        families=waiting,
        cities=[d.city for d in records.list_destinations(session, user)],
        error=error,
    )


@router.post("/plans", response_class=HTMLResponse)
def start_plan(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    families: Annotated[list[str] | None, Form()] = None,
    cities: Annotated[list[str] | None, Form()] = None,
    time_limit: Annotated[float, Form(gt=0, le=3600)] = 20.0,
):
    if not families or not cities:
        return plans_page(request, session, user, error="Elija al menos una familia y una ciudad.")
    body = PlanRequest(families=families, cities=cities, time_limit=time_limit)
    job, error = attempt(session, lambda: plans.start_plan(body, request, session, user))
    if error:
        return plans_page(request, session, user, error=error)
    return see(f"/plans/{job.id}")


def flow_map(result: dict[str, Any], families, destinations, _: Callable[[str], str]) -> str:
    """Plotly scattergeo: lines from each southern origin to each destination city,
    as wide as the number of families on that route."""
    city_of = {f["family_id"]: f["city"] for f in result["families"] if f["city"]}
    origin_of = dict(zip(families["family_id"], families["origin"], strict=True))
    flows: dict[tuple[str, str], int] = {}
    for family, city in city_of.items():
        key = (origin_of.get(family), city)
        flows[key] = flows.get(key, 0) + 1
    origins = reference_origins().set_index("city")
    cities = destinations.set_index("city")
    fig = go.Figure()
    largest = max(flows.values(), default=1)
    for (origin, city), count in sorted(flows.items(), key=lambda item: -item[1]):
        if origin not in origins.index or city not in cities.index:
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=[origins.at[origin, "lon"], cities.at[city, "lon"]],
                lat=[origins.at[origin, "lat"], cities.at[city, "lat"]],
                mode="lines",
                line={"width": 1 + 7 * count / largest, "color": "#0b5cad"},
                opacity=0.7,
                hoverinfo="text",
                text=f"{origin} → {city}: {count}",
                showlegend=False,
            )
        )
    used_origins = sorted({o for o, _c in flows if o in origins.index})
    leaving = {o: sum(n for (o2, _c), n in flows.items() if o2 == o) for o in used_origins}
    arrivals = {c: sum(n for (_o, c2), n in flows.items() if c2 == c) for c in cities.index}
    fig.add_trace(
        go.Scattergeo(
            lon=[origins.at[o, "lon"] for o in used_origins],
            lat=[origins.at[o, "lat"] for o in used_origins],
            hovertext=[f"{o}: {leaving[o]}" for o in used_origins],
            hoverinfo="text",
            mode="markers",
            marker={"size": 10, "color": "#b3261e", "symbol": "triangle-up"},
            name=_("Origen"),
        )
    )
    # Only cities that receive families carry a label: the Bajío is too dense for all.
    for receiving in (True, False):
        names = [c for c in cities.index if (arrivals[c] > 0) == receiving]
        fig.add_trace(
            go.Scattergeo(
                lon=[cities.at[c, "lon"] for c in names],
                lat=[cities.at[c, "lat"] for c in names],
                text=[f"{c} ({arrivals[c]})" for c in names] if receiving else None,
                hovertext=[f"{c}: {arrivals[c]}" for c in names],
                hoverinfo="text",
                mode="markers+text" if receiving else "markers",
                textposition="top center",
                textfont={"size": 11, "color": "#1a1a1a"},
                marker={
                    "size": 9 if receiving else 6,
                    "color": "#1b6e3a" if receiving else "#8a949e",
                },
                name=_("Destino") if receiving else _("Destino sin llegadas"),
            )
        )
    fig.update_geos(
        scope="north america",
        resolution=110,
        lonaxis_range=[-118, -86],
        lataxis_range=[14, 33],
        showcountries=True,
        showland=True,
        landcolor="#f3f1ea",
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=520,
        legend={"orientation": "h", "y": 0},
    )
    return _figure_html(fig)


def _figure_html(fig: go.Figure) -> str:
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        config={"responsive": True, "displaylogo": False, "topojsonURL": "/static/"},
    )


def _usage_by_city(result: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """city -> resource -> the plan's usage row (used, capacity, shadow price, text)."""
    cities: dict[str, dict[str, dict[str, Any]]] = {}
    for row in result.get("usage", []):
        cities.setdefault(row["city"], {})[row["resource"]] = row
    return cities


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    plan_id: RowId, request: Request, session: SessionDep, user: StaffPage, error: str | None = None
):
    plan = plans.get_plan(plan_id, session, user)
    result = plan.result or None
    figure, usage = None, {}
    if result and result.get("families"):
        families = current_frame(session, "families")
        destinations = current_frame(session, "destinations")
        if families is not None and destinations is not None:
            figure = flow_map(result, families, destinations, translator(language(request)))
        usage = _usage_by_city(result)
    cities = sorted(usage) or list(plan.params.get("cities") or [])
    baseline = None
    if plan.status in ("draft", "approved") and result and result.get("families"):
        baseline = (plan.result or {}).get("baselines", {}).get("first_come_first_served")
    return render(
        request,
        "plan.html",
        user,
        plan=plan,
        result=result,
        figure=figure,
        usage=usage,
        resources=list(dict.fromkeys(r for rows in usage.values() for r in rows)),
        cities=cities,
        decisions=plans.list_decisions(plan_id, session, user),
        baseline=baseline,
        placed=sum(1 for f in (result or {}).get("families", []) if f["city"]),
        error=error,
    )


@router.post("/plans/{plan_id}/decisions", response_class=HTMLResponse)
def decide(
    plan_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    family_id: Annotated[str, Form()],
    action: Annotated[str, Form()],
    city: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
):
    try:
        body = DecisionIn(family_id=family_id, action=action, city=city, reason=reason)
    except ValueError:
        return plan_page(
            plan_id, request, session, user, error="Indique la acción y un motivo (3+ letras)."
        )

    def call():
        return plans.decide(plan_id, body, session, user)

    return _act_on_plan(
        plan_id, request, session, user, call, lambda _: f"/plans/{plan_id}#decisiones"
    )


def _act_on_plan(plan_id: int, request: Request, session, user: User, call, then) -> Response:
    """Run a plan action of the API; on refusal show the plan with the reason."""
    done, error = attempt(session, call)
    if error:
        return plan_page(plan_id, request, session, user, error=error)
    return see(then(done))


@router.post("/plans/{plan_id}/reoptimize")
def reoptimize(plan_id: RowId, request: Request, session: SessionDep, user: StaffPage):
    def call():
        return plans.reoptimize(plan_id, request, session, user)

    return _act_on_plan(plan_id, request, session, user, call, lambda job: f"/plans/{job.id}")


@router.post("/plans/{plan_id}/approve")
def approve(plan_id: RowId, request: Request, session: SessionDep, user: StaffPage):
    def call():
        return plans.approve(plan_id, session, user)

    return _act_on_plan(plan_id, request, session, user, call, lambda _: f"/plans/{plan_id}")


@router.post("/plans/{plan_id}/cancel")
def cancel(plan_id: RowId, request: Request, session: SessionDep, user: StaffPage):
    def call():
        return plans.cancel_plan(plan_id, request, session, user)

    return _act_on_plan(plan_id, request, session, user, call, lambda _: f"/plans/{plan_id}")


# ---------------------------------------------------------------- placements


@router.get("/placements", response_class=HTMLResponse)
def placements_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    city: str | None = None,
    error: str | None = None,
    saved: int | None = None,
):
    mine = user.role == "employment_officer"
    rows = placements.list_placements(session, user, mine=False, city=city or None, limit=200)
    officers = session.scalars(
        select(User.username).where(User.role == "employment_officer", User.active)
    ).all()
    return render(
        request,
        "placements.html",
        user,
        placements=rows,
        due=placements.due(session, user, mine=mine, within_days=7),
        cities=[d.city for d in records.list_destinations(session, user)],
        city=city,
        statuses=STATUSES,
        officers=officers,
        may_assign=user.role in ("admin", "relocation_staff"),
        mine=mine,
        today=dt.date.today().isoformat(),
        error=error,
        saved=saved,
    )


@router.post("/placements/{placement_id}/events", response_class=HTMLResponse)
def add_event(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: Workers,
    status_: Annotated[str, Form(alias="status")],
    date: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    city: Annotated[str, Form()] = "",
):
    try:
        body = EventIn(status=status_, date=date, note=note or None)
    except ValueError:
        return placements_page(
            request, session, user, city=city, error="Elija un estado y una fecha válidos."
        )
    _done, error = attempt(session, lambda: placements.add_event(placement_id, body, session, user))
    if error:
        return placements_page(request, session, user, city=city, error=error)
    query = f"?saved={placement_id}" + (f"&city={city}" if city else "")
    return see(f"/placements{query}#p{placement_id}")


@router.post("/placements/{placement_id}/officer", response_class=HTMLResponse)
def assign_officer(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    officer: Annotated[str, Form(max_length=80)] = "",
    city: Annotated[str, Form()] = "",
):
    body = PlacementPatch(officer=officer or None)
    _done, error = attempt(session, lambda: placements.assign(placement_id, body, session, user))
    if error:
        return placements_page(request, session, user, city=city, error=error)
    query = f"?saved={placement_id}" + (f"&city={city}" if city else "")
    return see(f"/placements{query}#p{placement_id}")


# ---------------------------------------------------------------- monitoring


# Legends under the charts leave the plot its full width on a phone.
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}


def _indicator_figures(by_month, by_city, _: Callable[[str], str]) -> dict[str, str]:
    months = [r for r in by_month if not r.suppressed]
    cities = [r for r in by_city if not r.suppressed]
    over_time = go.Figure()
    x = [r.group for r in months]
    over_time.add_bar(
        x=x, y=[r.relocated for r in months], name=_("Reubicadas"), marker_color="#0b5cad"
    )
    over_time.add_bar(
        x=x, y=[r.hired for r in months], name=_("Contratadas"), marker_color="#1b6e3a"
    )
    over_time.update_layout(
        barmode="group",
        height=320,
        margin={"t": 10, "l": 40, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"type": "category"},
    )
    per_city = go.Figure()
    y = [r.group for r in cities]
    per_city.add_bar(
        y=y,
        x=[r.hire_rate for r in cities],
        orientation="h",
        name=_("Tasa de contratación"),
        marker_color="#1b6e3a",
    )
    per_city.add_bar(
        y=y,
        x=[r.retention_90d for r in cities],
        orientation="h",
        name=_("Retención a 90 días"),
        marker_color="#0b5cad",
    )
    per_city.update_layout(
        barmode="group",
        height=120 + 40 * len(cities),
        margin={"t": 10, "l": 120, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"tickformat": ".0%", "range": [0, 1]},
    )
    retention = go.Figure()
    retention.add_scatter(
        x=x,
        y=[r.retention_90d for r in months],
        mode="lines+markers",
        name=_("Retención a 90 días"),
        line={"color": "#0b5cad"},
    )
    retention.add_scatter(
        x=x,
        y=[r.hire_rate for r in months],
        mode="lines+markers",
        name=_("Tasa de contratación"),
        line={"color": "#1b6e3a", "dash": "dash"},
    )
    retention.update_layout(
        height=300,
        margin={"t": 10, "l": 40, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"type": "category"},
        yaxis={"tickformat": ".0%", "range": [0, 1]},
    )
    # Retention curves: the share of hired people still employed 30, 90 and 180 days on.
    curve = go.Figure()
    for row in cities:
        points = [row.retention_30d, row.retention_90d, row.retention_180d]
        if any(p is not None for p in points):
            curve.add_scatter(x=[30, 90, 180], y=points, mode="lines+markers", name=row.group)
    curve.update_layout(
        height=320,
        margin={"t": 10, "l": 40, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"title": _("Días desde la contratación"), "tickvals": [30, 90, 180]},
        yaxis={"tickformat": ".0%", "range": [0, 1]},
    )
    return {
        "over_time": _figure_html(over_time),
        "per_city": _figure_html(per_city),
        "retention": _figure_html(retention),
        "curve": _figure_html(curve),
    }


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, session: SessionDep, user: Everyone):
    by_month = monitoring.get_indicators(request, session, user, by="month", format="json")
    by_city = monitoring.get_indicators(request, session, user, by="city", format="json")
    capacity = monitoring.get_capacity(session, user)
    priced = sorted(
        (r for r in capacity if r.shadow_price and r.shadow_price > 1e-9),
        key=lambda r: -r.shadow_price,
    )[:8]
    pressed = sorted((r for r in capacity if r.share is not None), key=lambda r: -(r.share or 0.0))[
        :8
    ]
    return render(
        request,
        "monitoring.html",
        user,
        by_city=by_city,
        by_month=by_month,
        figures=_indicator_figures(by_month, by_city, translator(language(request)))
        if by_month or by_city
        else None,
        priced=priced,
        pressed=pressed,
        dimensions=get_args(Dimension),
        min_group=request.app.state.settings.min_group_size,
    )
