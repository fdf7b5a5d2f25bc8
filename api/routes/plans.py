"""Plan jobs: start, watch, cancel; review a draft (lock, veto, move), re-optimise,
approve."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ..deps import Offset, RowId, RunnerDep, SessionDep, Staff
from ..schemas import (
    ApprovalOut,
    ApprovalPreview,
    DecisionIn,
    DecisionOut,
    PlanChanges,
    PlanOut,
    PlanRequest,
)
from ..services import plans, review

router = APIRouter(prefix="/api/v1/plans", tags=["plans"])


@router.post("", response_model=PlanOut, status_code=202, summary="Start planning a batch")
def start_plan(body: PlanRequest, session: SessionDep, user: Staff, runner: RunnerDep) -> PlanOut:
    """Plans run in the background; poll `GET /api/v1/plans/{id}` for progress. By
    default the batch is every stored family not yet placed by an approved plan."""
    return plans.start_plan(session, runner, user, body)


@router.get("", response_model=list[PlanOut], summary="Plans, newest first")
def list_plans(
    session: SessionDep,
    user: Staff,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> list[PlanOut]:
    """The header `X-Total-Count` says how many plans there are, beyond this page."""
    response.headers["X-Total-Count"] = str(plans.count_plans(session))
    return plans.list_plans(session, limit, offset)


@router.get("/{plan_id}", response_model=PlanOut, summary="A plan: status, progress, result")
def get_plan(plan_id: RowId, session: SessionDep, user: Staff) -> PlanOut:
    return plans.get_plan(session, plan_id)


@router.post("/{plan_id}/cancel", response_model=PlanOut, summary="Cancel a queued or running plan")
def cancel_plan(plan_id: RowId, session: SessionDep, user: Staff, runner: RunnerDep) -> PlanOut:
    return plans.cancel_plan(session, runner, user, plan_id)


@router.post(
    "/{plan_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Lock, veto or move a family in a draft plan",
)
def decide(plan_id: RowId, body: DecisionIn, session: SessionDep, user: Staff) -> DecisionOut:
    """Decisions take effect when the plan is re-optimised; each needs a reason and is
    logged."""
    return plans.decide(session, user, plan_id, body)


@router.get("/{plan_id}/decisions", response_model=list[DecisionOut], summary="Staff decisions")
def list_decisions(plan_id: RowId, session: SessionDep, user: Staff) -> list[DecisionOut]:
    return plans.list_decisions(session, plan_id)


@router.delete(
    "/{plan_id}/decisions/{decision_id}",
    response_model=DecisionOut,
    summary="Undo a decision in force on a draft plan",
)
def undo_decision(
    plan_id: RowId, decision_id: RowId, session: SessionDep, user: Staff
) -> DecisionOut:
    """The decision stops applying at the next re-optimisation; the audit log keeps it."""
    return plans.undo_decision(session, user, plan_id, decision_id)


@router.get(
    "/{plan_id}/changes",
    response_model=PlanChanges | None,
    summary="What re-optimising changed against the previous draft",
)
def changes(plan_id: RowId, session: SessionDep, user: Staff) -> PlanChanges | None:
    """Families whose city and members whose vacancy changed; null for a first plan."""
    return review.changes(session, plan_id)


@router.get(
    "/{plan_id}/approval",
    response_model=ApprovalPreview,
    summary="What approving the plan will do",
)
def approval_preview(plan_id: RowId, session: SessionDep, user: Staff) -> ApprovalPreview:
    """Families, people, cities, vacancies and capacity held; and why it cannot be
    approved yet, if so."""
    return review.approval_preview(session, plan_id)


@router.post(
    "/{plan_id}/reoptimize",
    response_model=PlanOut,
    status_code=202,
    summary="Re-optimise the rest around staff decisions",
)
def reoptimize(plan_id: RowId, session: SessionDep, user: Staff, runner: RunnerDep) -> PlanOut:
    return plans.reoptimize(session, runner, user, plan_id)


@router.post("/{plan_id}/approve", response_model=ApprovalOut, summary="Approve a draft plan")
def approve(plan_id: RowId, session: SessionDep, user: Staff) -> ApprovalOut:
    """Atomic: every relocated person gets a placement (with the planned vacancy) and
    the plan becomes approved, or nothing changes."""
    return plans.approve(session, user, plan_id)
