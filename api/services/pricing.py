"""Pricing what remains for the weeks to come (Annie MOORE's bid prices).

A week planned alone fills the best places with this week's families and leaves later
arrivals the rest (the myopic plan: 67–70% of the hindsight optimum over a synthetic
season, against 95% when capacity is priced; benchmarks/RESULTS.md). So by default
(``dynamic``) a plan is solved together with the arrivals expected before the cities
declare new numbers: the LP over this batch and a sample of stored families standing in
for those arrivals gives each city × resource a dual price, and the batch is then
planned with capacity charged at that price.

The horizon shrinks as the renewal nears, and the last week before it is planned alone
(nothing is worth keeping for after it): priced with a fixed horizon week after week, a
plan keeps holding places back for arrivals that then hold them back in turn. When the
cities declare new numbers is the destinations' ``declared_until`` (the earliest of the
batch's cities), or else the declaration period (``ARRAIGO_CAPACITY_PERIOD_WEEKS``)
from the day destinations were last imported.

How many arrivals to expect: the weekly rate at which families registered over the
last eight weeks before the plan's week (over the weeks the stored registrations cover,
when fewer), times the horizon. Who they are: stored families drawn at random (other
than this batch's; this batch's own when nothing else is stored), copied with new ids.
"""

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arraigo.data import Dataset

from ..db import Import
from .store import current_frame

# Weeks of registrations that set the expected weekly rate of arrivals.
RATE_WEEKS = 8
# At most this many families stand in for the weeks to come (the LP grows with them).
MAX_FORECAST = 2_000


def weeks_to_renewal(
    session: Session, destinations: pd.DataFrame, as_of: dt.date, period_weeks: float
) -> tuple[float, dt.date | None]:
    """Weeks of arrivals after ``as_of``'s week and before the cities declare new
    numbers, and the last day the declared numbers hold (None: nothing declared)."""
    declared = pd.to_datetime(destinations.get("declared_until"), errors="coerce")
    if declared is not None and declared.notna().any():
        until = declared.min().date()
    else:
        imported = session.scalar(
            select(func.max(Import.created_at)).where(Import.kind == "destinations")
        )
        if imported is None:
            return 0.0, None
        until = imported.date() + dt.timedelta(days=round(period_weeks * 7) - 1)
    days_left = (until - as_of).days + 1  # this week's days count, today included
    return max(0.0, days_left / 7 - 1), until


def expected_arrivals(families: pd.DataFrame, horizon_weeks: float, as_of: dt.date) -> int:
    """Families expected in the next ``horizon_weeks``: the weekly rate of registrations
    over the ``RATE_WEEKS`` weeks before ``as_of`` (over the weeks the registrations
    cover, when they cover fewer) among ``families`` (all stored families)."""
    dates = pd.to_datetime(families["registered_at"]).dropna()
    dates = dates[dates <= pd.Timestamp(as_of)]
    if dates.empty or horizon_weeks <= 0:
        return 0
    start = pd.Timestamp(as_of) - pd.Timedelta(weeks=RATE_WEEKS)
    recent = dates[dates > start]
    covered = (pd.Timestamp(as_of) - max(dates.min(), start)).days + 1
    weeks = min(RATE_WEEKS, max(1.0, covered / 7))
    return min(MAX_FORECAST, round(len(recent) / weeks * horizon_weeks))


def with_forecast(
    session: Session, batch: Dataset, horizon_weeks: float, as_of: dt.date, seed: int
) -> tuple[Dataset, int]:
    """The batch followed by a sample of families standing in for the arrivals expected
    in the next ``horizon_weeks`` (ids ``<id>~<k>``), and how many were added."""
    stored_families = current_frame(session, "families")
    stored_people = current_frame(session, "people")
    if stored_families is None or stored_people is None:
        return batch, 0
    count = expected_arrivals(stored_families, horizon_weeks, as_of)
    others = stored_families[~stored_families["family_id"].isin(batch.families["family_id"])]
    source = others if len(others) else batch.families
    if count == 0 or source.empty:
        return batch, 0
    rng = np.random.default_rng(seed)
    drawn = source.iloc[rng.integers(len(source), size=count)].reset_index(drop=True)
    suffix = pd.Series([f"~{k}" for k in range(count)])
    families = drawn.assign(family_id=drawn["family_id"] + suffix)
    if "ties_city" in families:
        families["ties_city"] = None  # a hard tie would bind a family that is not here
    members = stored_people.merge(
        pd.DataFrame(
            {"family_id": drawn["family_id"], "copy": suffix, "new": families["family_id"]}
        ),
        on="family_id",
    )
    people = members.assign(
        person_id=members["person_id"] + members["copy"], family_id=members["new"]
    ).drop(columns=["copy", "new"])
    pool = Dataset(
        people=pd.concat(
            [batch.people, people.reindex(columns=batch.people.columns)], ignore_index=True
        ),
        families=pd.concat(
            [batch.families, families.reindex(columns=batch.families.columns)],
            ignore_index=True,
        ),
        destinations=batch.destinations,
        vacancies=batch.vacancies,
    )
    return pool, count
