"""Monitoring: aggregated indicators of placements and outcomes, safe to give to
partners, and capacity use per city with where one more unit helps most.

Each placed person counts once: relocated (moved or later), hired, kept 90 days
(employed_90d or employed_180d), days from moving to the first job. Groups smaller
than the minimum size are suppressed for partners. Every view is logged as an export.
"""

import csv
import datetime as dt
import io
import itertools
from typing import Final, Literal

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import working_members

from ..db import Placement, PlacementEvent, PlanJob, User, now
from ..schemas import CapacityRow, IndicatorRow
from ..vocab import HIRED, KEPT, NEXT_STATUSES, RELOCATED, PlacementStatus, PlanStatus, Role
from . import ledger
from .audit import audit
from .scoring import in_expected_jobs
from .store import current_frame
from .suppression import withheld

Dimension = Literal["city", "month", "nationality", "sex", "age_band"]
DIMENSIONS: Final = ("city", "month", "nationality", "sex", "age_band")
COUNTS: Final = (
    "people",
    "relocated",
    "hired",
    "retention_eligible",
    "retained_90d",
    *(f"not_yet_{d}d" for d in KEPT),
    "invalid_histories",
)


def follows_pipeline(statuses: list[str], dates: list[dt.date], working: bool) -> bool:
    """Whether a placement's statuses, in the order recorded, keep the pipeline's rules:
    each may follow the one before (from proposed), dates never go back, and only
    people of working age are hired. Histories recorded before the rules were enforced
    may break them; indicators leave those out and count them."""
    if not statuses or statuses[0] != PlacementStatus.proposed:
        return False
    for before, after in itertools.pairwise(statuses):
        if after not in NEXT_STATUSES.get(PlacementStatus(before), frozenset()):
            return False
    if any(later < earlier for earlier, later in itertools.pairwise(dates)):
        return False
    return working or not HIRED.intersection(statuses)


def person_outcomes(
    placements: pd.DataFrame, events: pd.DataFrame, people: pd.DataFrame, today: dt.date
) -> pd.DataFrame:
    """One row per placed person (placements cancelled before the move left out): their
    group attributes and outcomes, and whether their history keeps the pipeline's rules
    (``valid``; events in the order recorded)."""
    if placements.empty:
        return pd.DataFrame(columns=["placement_id", *DIMENSIONS, "relocated", "hired", "valid"])
    by_placement = events.groupby("placement_id", sort=False)
    last = by_placement["status"].last()
    cancelled = last[last == PlacementStatus.cancelled].index
    placements = placements[~placements["id"].isin(cancelled)]

    def first(statuses: frozenset) -> pd.Series:
        chosen = events[events["status"].isin(statuses)]
        return chosen.groupby("placement_id")["date"].min()

    moved_on, hired_on = first(RELOCATED), first(HIRED)
    proposed_on = by_placement["date"].min()
    frame = placements.set_index("id")
    frame["moved_on"] = moved_on
    frame["hired_on"] = hired_on
    frame["since"] = frame["moved_on"].fillna(proposed_on)
    attributes = people.set_index("person_id")[["age", "sex", "nationality"]]
    frame = frame.join(attributes, on="person_id")
    frame["relocated"] = frame["moved_on"].notna()
    frame["hired"] = frame["hired_on"].notna()
    # Retention at d days counts people hired at least d days ago (or confirmed at d).
    for days, statuses in KEPT.items():
        kept = frame.index.map(first(statuses)).notna()
        horizon = pd.to_datetime(frame["hired_on"]) + pd.Timedelta(days=days)
        frame[f"eligible_{days}d"] = frame["hired"] & (kept | (horizon <= pd.Timestamp(today)))
        frame[f"retained_{days}d"] = kept
        frame[f"not_yet_{days}d"] = frame["hired"] & ~frame[f"eligible_{days}d"]
    frame["retention_eligible"] = frame["eligible_90d"]
    working = working_members(frame).to_numpy()
    statuses = by_placement["status"].agg(list)
    dates = by_placement["date"].agg(list)
    frame["valid"] = [
        follows_pipeline(statuses.get(i, []), dates.get(i, []), bool(w))
        for i, w in zip(frame.index, working, strict=True)
    ]
    days = (pd.to_datetime(frame["hired_on"]) - pd.to_datetime(frame["moved_on"])).dt.days
    frame["days_to_job"] = days.where(days >= 0)
    frame["month"] = pd.to_datetime(frame["since"]).dt.strftime("%Y-%m")
    frame["age_band"] = pd.cut(
        frame["age"],
        [-1, 17, 24, 34, 44, 64, 200],
        labels=["0-17", "18-24", "25-34", "35-44", "45-64", "65+"],
    ).astype(str)
    return frame.reset_index(names="placement_id")


def indicators(outcomes: pd.DataFrame, by: Dimension) -> pd.DataFrame:
    """Counts and rates per group of ``by``, over histories that keep the pipeline's
    rules (the others counted in ``invalid_histories``); ``not_yet_<d>d``: people hired
    too recently to count in retention at d days."""
    rates = ["hire_rate", *(f"retention_{d}d" for d in KEPT), "median_days_to_job"]
    columns = [by, *COUNTS, *rates]
    if outcomes.empty:
        return pd.DataFrame(columns=columns)
    invalid = (~outcomes["valid"].astype(bool)).groupby(outcomes[by], dropna=False).sum()
    outcomes = outcomes[outcomes["valid"].astype(bool)]
    grouped = outcomes.groupby(by, dropna=False)
    table = pd.DataFrame(
        {
            "people": grouped.size(),
            "relocated": grouped["relocated"].sum(),
            "hired": grouped["hired"].sum(),
            "retention_eligible": grouped["retention_eligible"].sum(),
            "retained_90d": grouped["retained_90d"].sum(),
            "median_days_to_job": grouped["days_to_job"].median(),
            **{f"not_yet_{d}d": grouped[f"not_yet_{d}d"].sum() for d in KEPT},
        }
    )
    table = table.reindex(invalid.index).fillna(
        {c: 0 for c in table.columns if c != "median_days_to_job"}
    )
    table["invalid_histories"] = invalid
    table["hire_rate"] = table["hired"] / table["relocated"].where(table["relocated"] > 0)
    for days in KEPT:
        eligible = grouped[f"eligible_{days}d"].sum()
        table[f"retention_{days}d"] = grouped[f"retained_{days}d"].sum() / eligible.where(
            eligible > 0
        )
    return table.reset_index(names=by)[columns].sort_values(by).reset_index(drop=True)


def suppress_small(table: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Blank every figure of a group with fewer than ``minimum`` people, and of the
    groups withheld with it (suppression.withheld)."""
    small = withheld(table["people"], minimum)
    figures = [c for c in table.columns if c not in DIMENSIONS]
    out = table.astype({c: object for c in figures})
    out.loc[small, figures] = None
    out["suppressed"] = small
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, float) and np.isnan(value):
        return ""
    return value


def to_csv(table: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.itertuples(index=False):
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return out.getvalue()


def _outcomes(session: Session) -> pd.DataFrame:
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


def indicator_table(
    session: Session, user: User, by: Dimension, min_group_size: int, format: str = "json"
) -> pd.DataFrame:
    """Indicators per group of ``by`` (column ``group``), suppressed for partners; logged."""
    table = indicators(_outcomes(session), by)
    if user.role == Role.partner:
        table = suppress_small(table, min_group_size)
    else:
        table["suppressed"] = False
    table = table.rename(columns={by: "group"})
    audit(session, user, "export", "indicators", by, format=format, rows=len(table))
    return table


def indicator_rows(table: pd.DataFrame) -> list[IndicatorRow]:
    table = table.astype(object).where(table.notna(), None)
    return [IndicatorRow(**{**row, "group": str(row["group"])}) for row in table.to_dict("records")]


def _latest_plan(session: Session) -> PlanJob | None:
    """The plan whose shadow prices the monitoring shows: the latest approved or draft."""
    return session.scalar(
        select(PlanJob)
        .where(PlanJob.status.in_((PlanStatus.approved, PlanStatus.draft)))
        .order_by(PlanJob.id.desc())
    )


def prices_in_expected_jobs(session: Session) -> bool:
    """Whether the latest plan's shadow prices are expected jobs (see
    scoring.in_expected_jobs), rather than matching affinity."""
    plan = _latest_plan(session)
    return plan is not None and in_expected_jobs((plan.result or {}).get("score_source"))


def capacity_rows(session: Session, user: User, min_group_size: int) -> list[CapacityRow]:
    """Each city's declared capacity, what placements hold and what remains (services.
    ledger), with the shadow price of the latest plan: the expected jobs one more unit
    (a school seat, a house) adds. A partner does not see what is held in a city whose
    indicators are withheld, nor what fewer than ``min_group_size`` hold in any city (one
    family's health slot), nor the prices of those cells (a price tells the plan filled
    the cell)."""
    cells = ledger.capacity_cells(session)
    plan = _latest_plan(session)
    prices = {}
    if plan is not None and plan.result:
        prices = {(u["city"], u["resource"]): u["shadow_price"] for u in plan.result["usage"]}
    audit(session, user, "export", "capacity", None)
    partner, hidden = user.role == Role.partner, set()
    if partner:
        by_city = indicators(_outcomes(session), "city")
        hidden = set(by_city["city"][withheld(by_city["people"], min_group_size)])
    rows = []
    for (city, resource), cell in cells.items():
        shown = not partner or (city not in hidden and not 0 < cell.held < min_group_size)
        rows.append(
            CapacityRow(
                city=city,
                resource=resource,
                used=cell.held if shown else None,
                capacity=cell.declared,
                share=(cell.held / cell.declared) if cell.declared and shown else None,
                held=cell.held if shown else None,
                remaining=cell.remaining if shown else None,
                over=cell.over if shown else False,
                # A price says the plan filled the cell: withheld with its use.
                shadow_price=prices.get((city, resource)) if shown else None,
            )
        )
    return rows
