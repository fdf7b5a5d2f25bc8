"""Plan pages: start a plan for chosen families and cities, follow its progress, then
review the draft (map, capacity and shadow prices, each family's city, jobs and reason,
what changed since the previous draft), decide and undo, re-optimise, confirm and
approve, or cancel."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from ..deps import RowId, RunnerDep, SessionDep
from ..schemas import DecisionIn, PlanOut, PlanRequest
from ..services import plans, records, review
from ..services.scoring import in_expected_jobs
from ..services.store import current_frame
from ..vocab import PlanStatus
from .charts import figure_html, flow_map
from .paging import Start, pager
from .render import (
    PageMessage,
    StaffPage,
    attempt,
    language,
    page_router,
    render,
    see,
    translator,
)

router = page_router()


# Waiting families the plan form lists at a time; a plan may take every one that
# matches the search, however many.
FAMILIES_PER_PAGE = 50
PLANS_PER_PAGE = 25


@router.get("/plans", response_class=HTMLResponse)
def plans_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    error: PageMessage = None,
    q: Annotated[str, Query(max_length=120)] = "",
    origin: Annotated[str, Query(max_length=120)] = "",
    offset: Start = 0,
    plans_offset: Start = 0,
):
    found = records.list_families(
        session, FAMILIES_PER_PAGE, offset, q or None, origin or None, waiting=True
    )
    return render(
        request,
        "plans.html",
        user,
        plans=plans.list_plans(session, PLANS_PER_PAGE, plans_offset),
        plans_pager=pager(
            "/plans", plans_offset, PLANS_PER_PAGE, plans.count_plans(session), key="plans_offset"
        ),
        families=found.items,
        matching=found.total,
        family_pager=pager("/plans", offset, FAMILIES_PER_PAGE, found.total, q=q, origin=origin),
        q=q,
        origin=origin,
        cities=[d.city for d in records.list_destinations(session)],
        defaults=PlanRequest(),
        error=error,
    )


def _matching_families(session, q: str, origin: str) -> list[str] | None:
    """Every waiting family the search finds (None: all waiting, the service's default)."""
    if not q.strip() and not origin:
        return None
    return records.waiting_family_ids(session, q or None, origin or None)


def _number(text: str | None, scale: float = 1.0) -> float | None:
    """A number typed in a form (comma or point), None when left empty."""
    text = (text or "").strip().replace(",", ".")
    return None if not text else float(text) / scale


@router.post("/plans", response_class=HTMLResponse)
def start_plan(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    runner: RunnerDep,
    families: Annotated[list[str] | None, Form()] = None,
    cities: Annotated[list[str] | None, Form()] = None,
    scope: Annotated[str, Form(pattern="^(ticked|matching)$")] = "ticked",
    q: Annotated[str, Form(max_length=120)] = "",
    origin: Annotated[str, Form(max_length=120)] = "",
    time_limit: Annotated[float, Form(gt=0, le=3600)] = 20.0,
    dynamic: Annotated[bool, Form()] = False,
    horizon_weeks: Annotated[str, Form(pattern=r"^\s*(\d{1,2}(\.\d+)?)?\s*$")] = "",
    preference_weight: Annotated[str, Form()] = "",
    vulnerability_weight: Annotated[str, Form()] = "",
    vulnerable_min_share: Annotated[str, Form()] = "",
):
    if scope == "matching":
        families = _matching_families(session, q, origin)
        if families == []:
            families = None  # nothing matches: said below, as when nothing is ticked
            scope = "ticked"
    if (scope == "ticked" and not families) or not cities:
        return plans_page(request, session, user, error="Elija al menos una familia y una ciudad.")
    try:
        body = PlanRequest(
            families=families,
            cities=cities,
            time_limit=time_limit,
            dynamic=dynamic,
            horizon_weeks=min(12.0, float(horizon_weeks)) if horizon_weeks.strip() else None,
            preference_weight=_number(preference_weight),
            vulnerability_weight=_number(vulnerability_weight),
            vulnerable_min_share=_number(vulnerable_min_share, scale=100),
        )
    except (ValueError, ValidationError):
        return plans_page(
            request,
            session,
            user,
            error="Los pesos van de 0 a 100 y la cuota mínima de 0 a 100 %.",
        )
    job, error = attempt(session, lambda: plans.start_plan(session, runner, user, body))
    if error:
        return plans_page(request, session, user, error=error)
    return see(f"/plans/{job.id}")


def _usage_by_city(result: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """city -> resource -> the plan's usage row (used, capacity, shadow price, text)."""
    cities: dict[str, dict[str, dict[str, Any]]] = {}
    for row in result.get("usage", []):
        cities.setdefault(row["city"], {})[row["resource"]] = row
    return cities


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    plan_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    error: PageMessage = None,
):
    plan = plans.get_plan(session, plan_id)
    result = plan.result or None
    figure, usage = None, {}
    if result and result.get("families"):
        families = current_frame(session, "families")
        destinations = current_frame(session, "destinations")
        if families is not None and destinations is not None:
            _ = translator(language(request))
            figure = figure_html(flow_map(result["families"], families, destinations, _))
        usage = _usage_by_city(result)
    cities = sorted(usage) or list(plan.params.get("cities") or [])
    baseline = None
    if plan.status in (PlanStatus.draft, PlanStatus.approved) and result and result.get("families"):
        baseline = (plan.result or {}).get("baselines", {}).get("first_come_first_served")
    job = plans.plan_job(session, plan_id)
    members = review.members_by_family(session, plan_id) if result else {}
    changes = review.changes(session, plan_id)
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
        decisions=plans.list_decisions(session, plan_id),
        blockers=review.blockers(session, job) if plan.status == PlanStatus.draft else [],
        members=members,
        changes=changes,
        vacancies=review.vacancies_by_id(
            session,
            [v for m in (changes.members if changes else []) for v in (m.before, m.after) if v],
        ),
        calibrated=in_expected_jobs((result or {}).get("score_source")),
        english=language(request) == "en",
        baseline=baseline,
        placed=sum(1 for f in (result or {}).get("families", []) if f["city"]),
        error=error,
    )


@router.get("/plans/{plan_id}/approve", response_class=HTMLResponse)
def confirm_approval(plan_id: RowId, request: Request, session: SessionDep, user: StaffPage):
    """What approval will do, before it is done: the step before the approve button."""
    plan = plans.get_plan(session, plan_id)
    return render(
        request,
        "plan_approve.html",
        user,
        plan=plan,
        preview=review.approval_preview(session, plan_id),
    )


def _act_on_plan(
    plan_id: int,
    request: Request,
    session,
    user,
    call: Callable[[], Any],
    then: Callable[[Any], str],
) -> Response:
    """Run a plan action; on refusal show the plan with the reason."""
    done, error = attempt(session, call)
    if error:
        return plan_page(plan_id, request, session, user, error=error)
    return see(then(done))


@router.post("/plans/{plan_id}/decisions", response_class=HTMLResponse)
def decide(
    plan_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    family_id: Annotated[str, Form()],
    action: Annotated[str, Form()],
    city: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    try:
        body = DecisionIn(family_id=family_id, action=action, city=city or None, reason=reason)
    except ValidationError:
        return plan_page(
            plan_id, request, session, user, error="Indique la acción y un motivo (3+ letras)."
        )
    return _act_on_plan(
        plan_id,
        request,
        session,
        user,
        lambda: plans.decide(session, user, plan_id, body),
        lambda _: f"/plans/{plan_id}#decisiones",
    )


@router.post("/plans/{plan_id}/decisions/{decision_id}/undo", response_class=HTMLResponse)
def undo(
    plan_id: RowId, decision_id: RowId, request: Request, session: SessionDep, user: StaffPage
):
    return _act_on_plan(
        plan_id,
        request,
        session,
        user,
        lambda: plans.undo_decision(session, user, plan_id, decision_id),
        lambda _: f"/plans/{plan_id}#decisiones",
    )


@router.post("/plans/{plan_id}/reoptimize")
def reoptimize(
    plan_id: RowId, request: Request, session: SessionDep, user: StaffPage, runner: RunnerDep
):
    return _act_on_plan(
        plan_id,
        request,
        session,
        user,
        lambda: plans.reoptimize(session, runner, user, plan_id),
        lambda job: f"/plans/{job.id}",
    )


@router.post("/plans/{plan_id}/approve")
def approve(plan_id: RowId, request: Request, session: SessionDep, user: StaffPage):
    return _act_on_plan(
        plan_id,
        request,
        session,
        user,
        lambda: plans.approve(session, user, plan_id),
        lambda _: f"/plans/{plan_id}",
    )


@router.post("/plans/{plan_id}/cancel")
def cancel(
    plan_id: RowId, request: Request, session: SessionDep, user: StaffPage, runner: RunnerDep
):
    return _act_on_plan(
        plan_id,
        request,
        session,
        user,
        lambda: plans.cancel_plan(session, runner, user, plan_id),
        lambda _: f"/plans/{plan_id}",
    )


@router.get("/plans/{plan_id}/progress", name="plan_progress")
def plan_progress(plan_id: RowId, session: SessionDep, user: StaffPage) -> PlanOut:
    """The plan as the API gives it, for the page's own script (the API takes bearer
    tokens only, never the page's cookie)."""
    return plans.get_plan(session, plan_id)
