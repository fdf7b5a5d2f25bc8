"""Monitoring for partners and staff: aggregated indicators and capacity pressure."""

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from arraigo.data import Dataset, derive_use

from .._audit import audit
from .._deps import AnyRole, SessionDep
from .._models import Placement, PlacementEvent, PlanJob, User, now
from .._monitoring import Dimension, indicators, person_outcomes, suppress_small, to_csv
from .._store import current_frame

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])


class IndicatorRow(BaseModel):
    group: str = Field(examples=["Saltillo"])
    people: int | None = Field(description="Placed people in the group.", examples=[40])
    relocated: int | None = None
    hired: int | None = None
    retention_eligible: int | None = Field(
        default=None, description="Hired at least 90 days ago (or confirmed at 90 days)."
    )
    retained_90d: int | None = None
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
    city: str
    resource: str
    used: float
    capacity: float | None = Field(description="null: unlimited.")
    share: float | None = None
    shadow_price: float | None = Field(
        default=None,
        description="Expected jobs one more unit would add (latest plan's LP dual).",
    )


def _frames(session) -> pd.DataFrame:
    placements = pd.DataFrame(
        [
            {"id": p.id, "person_id": p.person_id, "family_id": p.family_id, "city": p.city}
            for p in session.scalars(select(Placement))
        ],
        columns=["id", "person_id", "family_id", "city"],
    )
    events = pd.DataFrame(
        [
            {"placement_id": e.placement_id, "status": e.status, "date": e.date}
            for e in session.scalars(select(PlacementEvent))
        ],
        columns=["placement_id", "status", "date"],
    )
    people = current_frame(session, "people")
    if people is None:
        people = pd.DataFrame(columns=["person_id", "age", "sex", "nationality"])
    return person_outcomes(placements, events, people, now().date())


def _is_partner(user: User) -> bool:
    return user.role == "partner"


@router.get(
    "/indicators",
    response_model=list[IndicatorRow],
    summary="Relocated, hired, retention at 90 days, time to first job, per group",
    responses={200: {"content": {"text/csv": {}}}},
)
def get_indicators(
    request: Request,
    session: SessionDep,
    user: AnyRole,
    by: Annotated[Dimension, Query(description="city, month, nationality, sex or age_band")] = (
        "city"
    ),
    format: Annotated[Literal["json", "csv"], Query()] = "json",
):
    """Aggregates only: no names, documents or free text. For partners, groups of fewer
    than 5 people are suppressed. Every export is logged."""
    table = indicators(_frames(session), by)
    if _is_partner(user):
        table = suppress_small(table, request.app.state.settings.min_group_size)
    else:
        table["suppressed"] = False
    table = table.rename(columns={by: "group"})
    audit(session, user, "export", "indicators", by, format=format, rows=len(table))
    if format == "csv":
        return Response(
            to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="indicadores_{by}.csv"'},
        )
    table = table.astype(object).where(table.notna(), None)
    return [IndicatorRow(**{**row, "group": str(row["group"])}) for row in table.to_dict("records")]


@router.get(
    "/capacity",
    response_model=list[CapacityRow],
    summary="Capacity use per city and resource, and where one more unit helps most",
)
def get_capacity(session: SessionDep, user: AnyRole) -> list[CapacityRow]:
    """Use by approved placements against each city's capacity, with the shadow price
    of the latest plan: the expected jobs one more unit (a school seat, a house) adds."""
    destinations = current_frame(session, "destinations")
    if destinations is None:
        return []
    dataset = Dataset(destinations=destinations)
    capacity = dataset.capacity()
    used = pd.DataFrame(0.0, index=capacity.index, columns=capacity.columns)
    placed = dict(session.execute(select(Placement.family_id, Placement.city).distinct()).all())
    people, families = current_frame(session, "people"), current_frame(session, "families")
    if placed and people is not None and families is not None:
        placed_families = families[families["family_id"].isin(placed)]
        use = derive_use(people, placed_families, dataset.resources)
        use["city"] = use.index.map(placed)
        used = used.add(use.groupby("city").sum(), fill_value=0.0).reindex(capacity.index)
    plan = session.scalar(
        select(PlanJob).where(PlanJob.status.in_(("approved", "draft"))).order_by(PlanJob.id.desc())
    )
    prices = {}
    if plan is not None and plan.result:
        prices = {(u["city"], u["resource"]): u["shadow_price"] for u in plan.result["usage"]}
    audit(session, user, "export", "capacity", None)
    rows = []
    for city in capacity.index:
        for resource in capacity.columns:
            cap = capacity.loc[city, resource]
            cap = None if pd.isna(cap) else float(cap)
            use_value = float(used.loc[city, resource])
            rows.append(
                CapacityRow(
                    city=city,
                    resource=resource,
                    used=use_value,
                    capacity=cap,
                    share=(use_value / cap) if cap else None,
                    shadow_price=prices.get((city, resource)),
                )
            )
    return rows
