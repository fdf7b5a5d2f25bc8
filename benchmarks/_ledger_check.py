"""Over-booking, read straight from the service's database (issue 11).

Independent of the service's code on purpose: the tables are read with plain SQL
(sqlite3 or SQLAlchemy Core text), the ledger is replayed here, and a family's use comes
from the data contract's rule (``Dataset.family_use``, the optimizer's own rule, not the
service's ledger). After every approval, in the order they happened, each city ×
resource must hold no more than the destinations record then current declares, and each
vacancy no more people than its positions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import create_engine, text

from arraigo.data import Dataset

RELEASING = ("cancelled", "left")


@dataclass(frozen=True)
class OverBooking:
    """A cell held above its declared number right after an approval."""

    plan_id: int
    what: str  # "Saltillo · housing_units" or "vacancy V00012"
    held: float
    declared: float


def _frame(connection, sql: str) -> pd.DataFrame:
    result = connection.execute(text(sql))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _versions(connection, kind: str) -> pd.DataFrame:
    rows = _frame(
        connection,
        f"SELECT key, version, data, created_at FROM records WHERE kind = '{kind}'",
    )
    rows["data"] = rows["data"].map(lambda d: d if isinstance(d, dict) else json.loads(d))
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True, format="mixed")
    return rows.sort_values(["created_at", "version"])


def _as_of(versions: pd.DataFrame, moment: pd.Timestamp) -> pd.DataFrame:
    """Each record's latest version created at or before ``moment``, as a table."""
    known = versions[versions["created_at"] <= moment].drop_duplicates("key", keep="last")
    return pd.DataFrame(list(known["data"]))


def over_bookings(database_url: str) -> tuple[list[OverBooking], int]:
    """Every over-booked cell after every approval, and how many approvals were checked."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        approvals = _frame(
            connection,
            "SELECT id, approved_at FROM plan_jobs WHERE approved_at IS NOT NULL "
            "ORDER BY approved_at",
        )
        placements = _frame(
            connection, "SELECT id, plan_id, family_id, person_id, city, vacancy_id FROM placements"
        )
        releases = _frame(
            connection,
            "SELECT placement_id, MIN(created_at) AS released_at FROM placement_events "
            f"WHERE status IN {RELEASING} GROUP BY placement_id",
        )
        destinations, vacancies = (
            _versions(connection, "destinations"),
            _versions(connection, "vacancies"),
        )
        people = pd.DataFrame(
            list(_versions(connection, "people").drop_duplicates("key", keep="last")["data"])
        )
    engine.dispose()
    approvals["approved_at"] = pd.to_datetime(approvals["approved_at"], utc=True, format="mixed")
    releases["released_at"] = pd.to_datetime(releases["released_at"], utc=True, format="mixed")
    placements = placements.merge(releases, left_on="id", right_on="placement_id", how="left")
    placements = placements.merge(approvals.rename(columns={"id": "plan_id"}), on="plan_id")
    people = people.set_index("person_id")
    found: list[OverBooking] = []
    for plan_id, moment in zip(approvals["id"], approvals["approved_at"], strict=True):
        holding = placements[
            (placements["approved_at"] <= moment)
            & ~(placements["released_at"] <= moment)  # NaT (never released) holds
        ]
        found += _cities(plan_id, holding, people, _as_of(destinations, moment))
        found += _vacancies(plan_id, holding, _as_of(vacancies, moment))
    return found, len(approvals)


def _cities(plan_id, holding, people, declared) -> list[OverBooking]:
    found = []
    for city, rows in holding.groupby("city"):
        members = people.loc[rows["person_id"]].reset_index()
        families = pd.DataFrame({"family_id": members["family_id"].unique()})
        use = Dataset(people=members, families=families, destinations=declared).family_use().sum()
        row = declared[declared["city"] == city].iloc[0]
        for resource, held in use.items():
            cap = row.get(f"cap_{resource}")
            if cap is not None and not pd.isna(cap) and held > float(cap) + 1e-9:
                found.append(OverBooking(plan_id, f"{city} · {resource}", held, float(cap)))
    return found


def _vacancies(plan_id, holding, declared) -> list[OverBooking]:
    found = []
    positions = declared.set_index("vacancy_id")["positions"] if len(declared) else {}
    for vacancy, held in holding["vacancy_id"].dropna().value_counts().items():
        if held > int(positions[vacancy]):
            found.append(OverBooking(plan_id, f"vacancy {vacancy}", held, int(positions[vacancy])))
    return found
