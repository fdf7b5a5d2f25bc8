"""Bodies of matches, outcome model versions and monitoring."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


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
    gaps: list[str] = Field(
        default=[],
        examples=[["leer planos"]],
        description="ESCO skills the posting asks for that the profile does not show.",
    )
    reason: str = Field(
        examples=[
            "Afinidad alta (42 %): el perfil muestra el oficio de soldador, el mismo que pide "
            "la vacante. Le falta mostrar: leer planos. Aún no cumple: necesita RFC."
        ],
        description="The reason in plain words, in the language asked for (es or en).",
    )
    evidence: str = Field(
        default="",
        examples=["«Mwen se soudè»"],
        description="The profile's own words the occupation was read from (personal text).",
    )
    details: str = Field(
        default="",
        examples=["perfil: ESCO soldador (7aedaa07-…), ISCO 7212; vacante: ISCO 7212"],
        description="The codes behind the reason: ESCO occupations and ISCO-08 groups.",
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
