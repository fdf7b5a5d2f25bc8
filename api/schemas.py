"""Request and response bodies. Records reuse the data contract's row models, so a
column is described once."""

import datetime as dt
import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arraigo.data import DestinationRow, FamilyRow, PersonRow, VacancyRow

from .vocab import DecisionAction, PlacementStatus, PlanStatus, Role


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    version: str = Field(examples=["0.1.0"])


class TokenOut(BaseModel):
    access_token: str = Field(examples=["0f3b…"])
    token_type: Literal["bearer"] = "bearer"
    role: str = Field(examples=["relocation_staff"])
    expires_in: int = Field(description="Seconds until the token expires.", examples=[43200])


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str = Field(examples=["maria.comar"])
    role: str = Field(examples=["relocation_staff"])
    active: bool = True


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, examples=["maria.comar"])
    role: Role
    password: str = Field(min_length=12, max_length=256, examples=["una-clave-larga"])


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=256)


class ProblemOut(BaseModel):
    file: str = Field(examples=["people.csv"])
    row: int = Field(description="Row as a spreadsheet shows it; 0 = whole file.", examples=[4])
    column: str = Field(examples=["age"])
    severity: Literal["error", "warning"]
    code: str = Field(examples=["out_of_range"])
    message_es: str = Field(examples=["130 está fuera del rango permitido (0 a 110)."])
    message_en: str = Field(examples=["130 is outside the allowed range (0 to 110)."])


class ImportOut(BaseModel):
    ok: bool
    dry_run: bool = False
    problems: list[ProblemOut] = Field(
        default=[], description="The first 200 problems; all are counted below."
    )
    problems_total: int = 0
    problem_counts: dict[str, int] = Field(
        default={}, description="How many problems of each kind.", examples=[{"age_range": 3}]
    )
    counts: dict[str, dict[str, int]] = Field(
        default={},
        examples=[{"people": {"new": 120, "updated": 3, "unchanged": 40}}],
    )
    existing: dict[str, dict[str, int]] = Field(
        default={},
        description="Before storing: people and families new, already stored, already placed "
        "and changed.",
        examples=[{"people": {"new": 250, "stored": 3, "placed": 1, "changed": 1}}],
    )
    duplicates_flagged: int = 0
    import_ids: list[int] = []


class ImportRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    filename: str
    sha256: str
    created_by: str
    created_at: dt.datetime
    counts: dict[str, Any]


class Versioned(BaseModel):
    version: int = 1
    erased: bool = False


class PersonOut(PersonRow, Versioned):
    """A person as the caller's role may see it: personal fields are null for roles
    that may not see them."""

    skills_text: str | None = Field(
        description="Null once the person's data is erased, and for an employment officer "
        "outside their own cases."
    )
    # An employment officer sees these only for their own cases (services/privacy.py).
    nationality: str | None = None
    health_needs: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    corrected_isco: str | None = Field(
        default=None, description="The occupation staff corrected, if any."
    )


class FamilyOut(FamilyRow, Versioned):
    use: dict[str, float] = Field(default={}, examples=[{"housing_units": 1, "school_primaria": 2}])


class DestinationOut(DestinationRow, Versioned):
    capacity: dict[str, float | None] = Field(
        default={}, description="Capacity per resource; null is unlimited."
    )


class VacancyOut(VacancyRow, Versioned):
    positions_held: int = Field(
        default=0, description="Positions held by placements not released (planned or hired)."
    )
    positions_remaining: int = Field(
        default=0, description="Positions less those held; negative when over-booked."
    )


class HistoryOut(BaseModel):
    version: int
    current: bool
    created_at: dt.datetime
    import_id: int | None
    data: dict[str, Any]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    items: list[T]


class DuplicateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_a: str
    person_b: str
    reason: Literal["same_name_age", "same_phone"]
    status: str
    note: str | None = None
    reviewed_by: str | None = None


class DuplicateDecision(BaseModel):
    status: Literal["distinct", "same_person"] = Field(
        description="distinct: two people; same_person: one person entered twice "
        "(staff then correct the files; nothing is merged automatically)."
    )
    note: str = Field(min_length=1, max_length=2000, examples=["Hermanos, no duplicado."])


class OccupationIn(BaseModel):
    """The occupation staff confirmed: an ESCO occupation (its id or URI; its ISCO-08 unit
    group follows) or an ISCO-08 unit group of four digits. Either must exist."""

    isco: str | None = Field(
        default=None,
        examples=["7212"],
        description="ISCO-08 unit group, four digits; optional when esco_id is given.",
    )
    esco_id: str | None = Field(
        default=None,
        max_length=120,
        examples=["http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"],
        description="ESCO occupation, as its URI or the id at the URI's end.",
    )
    label: str | None = Field(default=None, max_length=255, examples=["soldador/soldadora"])
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("isco")
    @classmethod
    def _four_digits(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}", value.strip()):
            raise ValueError(
                f"isco must be an ISCO-08 unit group of four digits (such as 7212), not {value!r}"
            )
        return None if value is None else value.strip()

    @field_validator("esco_id")
    @classmethod
    def _esco_tail(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else value.strip().rsplit("/", 1)[-1]

    @model_validator(mode="after")
    def _names_an_occupation(self) -> "OccupationIn":
        if self.isco is None and self.esco_id is None:
            raise ValueError("name the occupation: esco_id (ESCO) or isco (four digits)")
        return self


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


class ErasureOut(BaseModel):
    person_id: str
    versions_erased: int


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


class MatchOut(BaseModel):
    """One ranked match with its score per signal and the reason in plain words."""

    rank: int = Field(examples=[1])
    person_id: str = Field(examples=["P00012-1"])
    vacancy_id: str = Field(examples=["V000341"])
    score: float = Field(examples=[0.81])
    embedding: float | None = None
    taxonomy: float | None = None
    lexical: float | None = None
    eligibility: float | None = None
    eligible: bool = True
    blockers: list[str] = Field(default=[], examples=[["necesita RFC"]])
    gaps: list[str] = Field(default=[], examples=[["montacargas"]])
    reason: str = Field(
        examples=[
            "usted: soudeur -> ESCO soldador, ISCO 7212; vacante: Soldador MIG/TIG, ISCO 7212"
        ]
    )
    title: str | None = None
    employer: str | None = None
    city: str | None = None
    full_name: str | None = Field(default=None, description="Only for roles that may see it.")


class ModelOut(BaseModel):
    """An outcome model version and how well it predicted held-out outcomes."""

    version: int
    active: bool
    created_by: str
    created_at: dt.datetime
    metrics: dict[str, Any] = Field(
        examples=[{"pairs": 2660, "brier": 0.19, "roc_auc": 0.74, "base_rate": 0.37}],
        description="pairs, held_out, base_rate, brier, log_loss, roc_auc, learned matcher "
        "weights, calibration bins and error per nationality and sex group.",
    )


class IndicatorRow(BaseModel):
    group: str = Field(examples=["Saltillo"])
    people: int | None = Field(description="Placed people in the group.", examples=[40])
    relocated: int | None = None
    hired: int | None = None
    retention_eligible: int | None = Field(
        default=None, description="Hired at least 90 days ago (or confirmed at 90 days)."
    )
    retained_90d: int | None = None
    not_yet_30d: int | None = Field(
        default=None, description="Hired less than 30 days ago: not yet in retention at 30 days."
    )
    not_yet_90d: int | None = None
    not_yet_180d: int | None = None
    invalid_histories: int | None = Field(
        default=None,
        description="Placements whose recorded statuses break the pipeline's rules (recorded "
        "before they were enforced): left out of every figure.",
    )
    hire_rate: float | None = None
    retention_30d: float | None = Field(
        default=None, description="Still employed 30 days after hiring (retention curve)."
    )
    retention_90d: float | None = None
    retention_180d: float | None = None
    median_days_to_job: float | None = None
    suppressed: bool = Field(
        default=False, description="Fewer than 5 people: figures withheld from partners."
    )


class CapacityRow(BaseModel):
    """A city's resource in the ledger: declared (capacity), held by placements not
    released (held, also called used), and what remains for the next plan."""

    city: str
    resource: str
    used: float | None = Field(
        description="Held by placements not released (same as held); null for a partner "
        "where few people are placed."
    )
    capacity: float | None = Field(description="Declared by the city; null: unlimited.")
    share: float | None = None
    held: float | None = 0.0
    remaining: float | None = Field(
        default=None, description="Declared less held; negative when over capacity."
    )
    over: bool = Field(
        default=False,
        description="More held than declared: possible only after a cut of capacity.",
    )
    shadow_price: float | None = Field(
        default=None,
        description="Expected jobs one more unit would add (latest plan's LP dual).",
    )
