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
        default=True,
        description="Price capacity for the families expected until the cities declare new "
        "numbers (LP duals over this batch and a sample of stored families), so this week "
        "does not take the places later arrivals would use best. On by default; false plans "
        "the week alone.",
    )
    horizon_weeks: float | None = Field(
        default=None,
        ge=0,
        le=12,
        description="Weeks of arrivals to price for. Empty: the weeks left after this one "
        "before the cities' declared capacity ends (destinations' declared_until, or the "
        "declaration period from the last destinations import); 0 in the last week.",
    )
    as_of: dt.date | None = Field(
        default=None,
        description="The week the plan is for (default today): arrivals are expected, and "
        "the weeks left counted, from this day.",
    )
    vulnerable_min_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="At least this share of the relocated families must be vulnerable (a "
        "member with a chronic illness, disability, pregnancy or mental-health need); the "
        "plan's result prices the rule (`shares`).",
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
        default={},
        description="The solver's latest best plan, bound, gap and elapsed seconds, and its "
        "course so far (`history`: [seconds, best plan, bound], at most 120 points).",
        examples=[
            {
                "objective": 812.4,
                "bound": 815.0,
                "gap": 0.003,
                "elapsed": 12.5,
                "history": [[0.4, None, 830.2], [3.1, 790.0, 818.0], [12.5, 812.4, 815.0]],
            }
        ],
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
    superseded_by: int | None = Field(
        default=None,
        description="A draft re-optimised into this later plan: review and approve that one.",
    )
    queue_position: int | None = Field(
        default=None, description="While queued: 1 is the next plan to start."
    )


class DecisionIn(BaseModel):
    family_id: str = Field(min_length=1, max_length=120, examples=["F00012"])
    action: DecisionAction = Field(
        description="lock: keep the family in `city`; veto: never `city`; move: put it in "
        "`city` instead."
    )
    city: str | None = Field(
        default=None,
        min_length=1,
        max_length=120,
        examples=["Saltillo"],
        description="Default: the family's city in this plan (lock or veto it where it is).",
    )
    reason: str = Field(min_length=3, max_length=2000, examples=["Tiene familiares allí."])


class DecisionOut(DecisionIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    city: str
    created_by: str
    created_at: dt.datetime


class FamilyChange(BaseModel):
    family_id: str
    before: str | None = Field(description="City in the previous draft (None: stayed).")
    after: str | None


class MemberChange(BaseModel):
    person_id: str
    family_id: str | None
    before: str | None = Field(description="Vacancy in the previous draft.")
    after: str | None


class PlanChanges(BaseModel):
    """What re-optimising changed against the draft it started from."""

    plan_id: int
    previous_id: int
    families: list[FamilyChange]
    members: list[MemberChange]
    objective_change: float | None
    expected_success_change: float | None


class CityShare(BaseModel):
    city: str
    families: int
    people: int
    vacancies: int = Field(description="Members who take a planned vacancy there.")
    held: dict[str, float] = Field(description="Resource -> units approval will hold.")


class ApprovalPreview(BaseModel):
    """What approving a draft will do, before it is done."""

    plan_id: int
    families: int
    people: int
    vacancies: int
    cities: list[CityShare]
    blockers: list[str] = Field(description="Why it cannot be approved now (empty: it can).")


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
