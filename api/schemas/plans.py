"""Bodies of plan jobs, staff decisions, approvals and placements."""

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..vocab import DecisionAction, PlacementStatus, PlanStatus


class PlanRequest(BaseModel):
    """A batch to plan: by default every stored family not yet placed, every city."""

    families: list[str] | None = Field(default=None, examples=[["F00001", "F00002"]])
    cities: list[str] | None = Field(default=None, examples=[["Saltillo", "Monterrey"]])
    time_limit: float = Field(default=60.0, gt=0, le=3600, description="Seconds.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    preference_weight: float | None = Field(default=None, ge=0, le=100)
    vulnerability_weight: float | None = Field(default=None, ge=0, le=100)
    ties: Literal["hard", "soft"] = "hard"
    dynamic: bool = Field(
        default=False,
        description="Price capacity for the families expected until the cities declare new "
        "numbers (LP duals over this batch and a sample of stored families), so this week "
        "does not take the places later arrivals would use best. Off by default: with no "
        "renewal in sight it holds places back week after week (see the README).",
    )
    horizon_weeks: float = Field(
        default=3,
        ge=0,
        le=12,
        description="Weeks until the cities declare new numbers: the arrivals priced for.",
    )


class PlanOut(BaseModel):
    id: int
    status: PlanStatus
    stale: bool = Field(
        default=False,
        description="A draft solved before a later approval, release or import: re-optimise "
        "it to plan against what remains now.",
    )
    created_by: str
    created_at: dt.datetime
    elapsed_seconds: float | None = None
    progress: dict[str, Any] = Field(
        default={}, examples=[{"objective": 812.4, "bound": 815.0, "gap": 0.003}]
    )
    error: str | None = None
    parent_id: int | None = None
    params: dict[str, Any] = {}
    result: dict[str, Any] | None = Field(
        default=None,
        description="plan.json: status, objective, bound, gap, families, "
        "members, usage with shadow prices.",
    )
    approved_by: str | None = None


class DecisionIn(BaseModel):
    family_id: str = Field(min_length=1, max_length=120, examples=["F00012"])
    action: DecisionAction = Field(
        description="lock: keep the family in `city`; veto: never `city`; move: put it in "
        "`city` instead."
    )
    city: str = Field(min_length=1, max_length=120, examples=["Saltillo"])
    reason: str = Field(min_length=3, max_length=2000, examples=["Tiene familiares allí."])


class DecisionOut(DecisionIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    created_by: str
    created_at: dt.datetime


class ApprovalOut(BaseModel):
    plan_id: int
    placements: int
    families: int


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int | None
    family_id: str
    person_id: str
    city: str
    vacancy_id: str | None
    officer: str | None
    status: PlacementStatus
    created_at: dt.datetime


class PlacementPatch(BaseModel):
    officer: str | None = Field(
        default=None, max_length=80, description="The employment officer who follows it."
    )


class AssignManyIn(BaseModel):
    """An officer for one family's working-age members, or for a city's unassigned ones."""

    officer: str | None = Field(max_length=80, description="Null: nobody follows them.")
    family_id: str | None = Field(default=None, max_length=120, examples=["F00012"])
    city: str | None = Field(default=None, max_length=120, examples=["Saltillo"])


class AssignManyOut(BaseModel):
    placements: int = Field(description="How many placements changed officer.")


class EventIn(BaseModel):
    status: PlacementStatus
    date: dt.date = Field(examples=["2026-11-20"])
    note: str | None = Field(default=None, max_length=2000, examples=["Entrevista en planta."])
    vacancy_id: str | None = Field(
        default=None, max_length=120, description="The vacancy, when hired into another one."
    )


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    placement_id: int
    status: PlacementStatus
    date: dt.date
    note: str | None
    created_by: str
    created_at: dt.datetime


class FollowUp(BaseModel):
    placement_id: int
    person_id: str
    city: str
    officer: str | None
    last_status: PlacementStatus
    last_date: dt.date
    due: PlacementStatus = Field(description="What to check next.")
    due_date: dt.date
    overdue_days: int
