"""Pricing what remains for the weeks to come (Annie MOORE's bid prices).

A week planned alone fills the best places with this week's families and leaves later
arrivals the rest (the myopic plan: 67–70% of the hindsight optimum over a synthetic
season, against 95% when capacity is priced; benchmarks/RESULTS.md). So, on request
(``dynamic``), a plan is solved together with the arrivals expected before the cities
declare new numbers: the LP over this batch and a sample of stored families standing in
for those arrivals gives each city × resource a dual price, and the batch is then
planned with capacity charged at that price. The horizon must shrink as the renewal
nears (as the season simulation's does): priced with a fixed horizon week after week,
a plan keeps holding places back for arrivals that then hold them back in turn (two
weeks through the service: 2 of 64 families placed against 11 unpriced, with room
left), which is why it is not the default.

How many arrivals to expect: the weekly rate at which families registered over the
last eight weeks of stored families, times the horizon (``horizon_weeks``). Who they
are: stored families drawn at random (other than this batch's; this batch's own when
nothing else is stored), copied with new ids.
"""

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from arraigo.data import Dataset

from .store import current_frame

# Weeks of registrations that set the expected weekly rate of arrivals.
RATE_WEEKS = 8
# At most this many families stand in for the weeks to come (the LP grows with them).
MAX_FORECAST = 2_000


def expected_arrivals(families: pd.DataFrame, horizon_weeks: float) -> int:
    """Families expected in the next ``horizon_weeks``: the weekly rate of registrations
    over the last ``RATE_WEEKS`` weeks of ``families`` (all stored families)."""
    dates = pd.to_datetime(families["registered_at"]).dropna()
    if dates.empty or horizon_weeks <= 0:
        return 0
    recent = dates[dates > dates.max() - dt.timedelta(weeks=RATE_WEEKS)]
    return min(MAX_FORECAST, round(len(recent) / RATE_WEEKS * horizon_weeks))


def with_forecast(
    session: Session, batch: Dataset, horizon_weeks: float, seed: int
) -> tuple[Dataset, int]:
    """The batch followed by a sample of families standing in for the arrivals expected
    in the next ``horizon_weeks`` (ids ``<id>~<k>``), and how many were added."""
    stored_families = current_frame(session, "families")
    stored_people = current_frame(session, "people")
    if stored_families is None or stored_people is None:
        return batch, 0
    count = expected_arrivals(stored_families, horizon_weeks)
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
