"""The ledger of capacity and job positions, week after week.

What a city offers the programme is its current destinations record (``cap_<resource>``:
declared). Placements of approved plans hold their family's derived use there (the same
rules the optimizer uses, ``Dataset.family_use``) from approval until released, and a
placement with a vacancy holds one of its positions. What remains is declared minus
held; every plan is solved against it, and an approval re-checks it while holding the
ledger's lock, so two plans approved one after the other never over-book.

Releases: a placement whose last status is ``cancelled`` or ``left`` (vocab.RELEASED)
holds nothing: its person's school seat, health slot and position go back; the
family's housing unit goes back once none of its members holds one. A re-import of
destinations replaces the declared numbers (held use still counts, so a cut can leave
a city over capacity: shown as such, never as merely full); a re-import of vacancies
with other positions changes what remains the same way.
"""

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from arraigo.data import USE_PEOPLE_COLUMNS, Dataset, resource_label, use_family_columns

from ..db import LedgerState, Placement, Record
from ..vocab import RELEASED, PlacementStatus
from .errors import Conflict
from .store import current_frame, data_version, frame_from_json, json_text


@dataclass(frozen=True)
class Cell:
    """One city × resource (or one vacancy's positions): declared, held, remaining.
    ``declared`` None is unlimited."""

    declared: float | None
    held: float

    @property
    def remaining(self) -> float | None:
        return None if self.declared is None else self.declared - self.held

    @property
    def over(self) -> bool:
        """More held than declared: only after a cut of declared capacity."""
        return self.declared is not None and self.held > self.declared + 1e-9


# Placements that hold capacity and positions: every one not released.
HOLDING = Placement.status.not_in(RELEASED)


def active_placements(session: Session) -> pd.DataFrame:
    """Placements that hold capacity: family, person, city and vacancy of each."""
    rows = session.execute(
        select(Placement.family_id, Placement.person_id, Placement.city, Placement.vacancy_id)
        .where(HOLDING)
        .order_by(Placement.id)
    ).all()
    return pd.DataFrame(rows, columns=["family_id", "person_id", "city", "vacancy_id"])


def placed_families(session: Session) -> set[str]:
    """Families an approved plan placed: not waiting any more, unless every placement of
    theirs was cancelled (they never moved). A family that moved and later left holds
    nothing, but is not planned again."""
    return set(session.scalars(placed_family_ids()))


def placed_family_ids() -> Select[tuple[str]]:
    """The families :func:`placed_families` names, as a query (for filters in SQL)."""
    return select(Placement.family_id).where(Placement.status != PlacementStatus.cancelled)


def use_of(
    people: pd.DataFrame, families: pd.DataFrame, destinations: pd.DataFrame, city_of: dict
) -> pd.DataFrame:
    """Use per city (rows) and resource (columns) of ``people`` placed with their
    families in ``city_of`` (family -> city)."""
    placed = families[families["family_id"].isin(city_of)]
    members = people[people["family_id"].isin(placed["family_id"])]
    use = Dataset(people=members, families=placed, destinations=destinations).family_use()
    return use.groupby(use.index.map(city_of)).sum()


def held_capacity(session: Session, destinations: pd.DataFrame) -> pd.DataFrame:
    """Units held per city (rows) and resource (columns) by placements not released."""
    resources = Dataset(destinations=destinations).resources
    held = pd.DataFrame(0.0, index=destinations["city"], columns=list(resources))
    active = active_placements(session)
    if active.empty:
        return held
    # Only the records of people and families placements hold (not the whole register),
    # and of them only the fields the use rules read (not the whole JSON of each).
    people = _current_of(
        session, "people", select(Placement.person_id).where(HOLDING), USE_PEOPLE_COLUMNS
    )
    families = _current_of(
        session,
        "families",
        select(Placement.family_id).where(HOLDING),
        use_family_columns(resources),
    )
    if people is None or families is None:
        return held
    city_of = dict(zip(active["family_id"], active["city"], strict=False))
    use = use_of(people, families, destinations, city_of)
    return held.add(use, fill_value=0.0).reindex(index=held.index, columns=held.columns)


def _current_of(
    session: Session, kind: str, keys: Select, fields: tuple[str, ...]
) -> pd.DataFrame | None:
    """These fields of the current records of ``kind`` whose key ``keys`` selects, as a
    typed table (a field a record lacks is None); identifiers are read as text, the
    rest as JSON values."""
    columns = [json_text(f) if f.endswith("_id") else Record.data[f] for f in fields]
    query = select(*columns).where(Record.kind == kind, Record.current, Record.key.in_(keys))
    rows = [dict(zip(fields, row, strict=True)) for row in session.execute(query)]
    return frame_from_json(kind, rows) if rows else None


def capacity_cells(session: Session) -> dict[tuple[str, str], Cell]:
    """(city, resource) -> declared, held and remaining, for every declared resource."""
    destinations = current_frame(session, "destinations")
    if destinations is None:
        return {}
    declared = Dataset(destinations=destinations).capacity()
    held = held_capacity(session, destinations)
    held = held.reindex(index=declared.index, columns=declared.columns)
    return {
        (city, resource): Cell(None if pd.isna(cap) else float(cap), float(units))
        for city, caps, held_units in zip(
            declared.index, declared.to_numpy(), held.to_numpy(), strict=True
        )
        for resource, cap, units in zip(declared.columns, caps, held_units, strict=True)
    }


def position_cells(session: Session, vacancy_ids: list[str] | None = None) -> dict[str, Cell]:
    """vacancy_id -> its positions declared, held by placements, and remaining (of
    ``vacancy_ids`` only, when given: a page of vacancies reads only its own)."""
    if vacancy_ids is None:
        vacancies = current_frame(session, "vacancies")
    else:
        query = select(Record.data).where(
            Record.kind == "vacancies", Record.current, Record.key.in_(vacancy_ids)
        )
        rows = list(session.scalars(query))
        vacancies = frame_from_json("vacancies", rows) if rows else None
    if vacancies is None:
        return {}
    held = active_placements(session)["vacancy_id"].dropna().value_counts()
    return {
        vacancy: Cell(float(positions), float(held.get(vacancy, 0)))
        for vacancy, positions in zip(vacancies["vacancy_id"], vacancies["positions"], strict=True)
    }


def remaining_dataset(session: Session, dataset: Dataset) -> Dataset:
    """``dataset`` with what remains: each city's capacity less what placements hold
    (never below zero), each vacancy's positions less those held (vacancies with none
    left are dropped)."""
    destinations, vacancies = dataset.destinations, dataset.vacancies
    cells = capacity_cells(session)
    destinations = destinations.copy()
    for resource in Dataset(destinations=destinations).resources:
        column = f"cap_{resource}"
        remaining = [
            cells[(city, resource)].remaining if (city, resource) in cells else declared
            for city, declared in zip(destinations["city"], destinations[column], strict=True)
        ]
        destinations[column] = pd.Series(remaining, index=destinations.index, dtype=float).clip(
            lower=0
        )
    if vacancies is not None:
        positions = position_cells(session)
        left = vacancies["vacancy_id"].map(
            lambda v: positions[v].remaining if v in positions else None
        )
        vacancies = vacancies.assign(positions=left.fillna(vacancies["positions"]).astype(int))
        vacancies = vacancies[vacancies["positions"] > 0].reset_index(drop=True)
        vacancies = None if vacancies.empty else vacancies
    return Dataset(
        people=dataset.people,
        families=dataset.families,
        destinations=destinations,
        vacancies=vacancies,
        outcomes=dataset.outcomes,
    )


def version(session: Session) -> int:
    return session.scalar(select(LedgerState.version).where(LedgerState.id == 1)) or 0


def state(session: Session) -> dict[str, int]:
    """What a plan was solved against: the ledger's version and the data's."""
    return {"ledger": version(session), "data": data_version(session)}


def lock(session: Session) -> int:
    """Take the ledger for this transaction (until it commits) and raise its version.

    The transaction so far is committed first, so the lock is the first thing the next
    one does: on PostgreSQL the row lock makes a second approval wait, and then read
    what the first committed; on SQLite the write lock does the same.
    """
    session.commit()
    session.execute(
        update(LedgerState).where(LedgerState.id == 1).values(version=LedgerState.version + 1)
    )
    return version(session)


def touch(session: Session) -> None:
    """Raise the ledger's version (a release): drafts solved before it become stale."""
    session.execute(
        update(LedgerState).where(LedgerState.id == 1).values(version=LedgerState.version + 1)
    )


def check_room(session: Session, cities: dict[str, str], jobs: dict[str, str | None]) -> None:
    """Refuse (Conflict) a placement of families (``cities``: family -> city) and of
    members in vacancies (``jobs``) that does not fit in what remains; the message
    names each city and resource, or vacancy, that lacks room."""
    destinations = current_frame(session, "destinations")
    people, families = current_frame(session, "people"), current_frame(session, "families")
    short = []
    if destinations is not None and people is not None and families is not None and cities:
        wanted = use_of(people, families, destinations, cities)
        cells = capacity_cells(session)
        for city, row in wanted.iterrows():
            for resource, amount in row.items():
                cell = cells.get((city, resource))
                if cell is None or cell.remaining is None or amount <= cell.remaining + 1e-9:
                    continue
                short.append(
                    f"{city}, {resource_label(resource)}: quedan {max(cell.remaining, 0):g}, "
                    f"el plan usa {amount:g}"
                )
    positions = position_cells(session)
    taken = pd.Series([v for v in jobs.values() if v], dtype=object).value_counts()
    for vacancy, amount in taken.items():
        cell = positions.get(vacancy)
        remaining = 0.0 if cell is None else cell.remaining
        if amount > remaining:
            short.append(
                f"vacante {vacancy}: quedan {max(remaining, 0):g} puestos, el plan usa {amount}"
            )
    if short:
        raise Conflict(
            "No cabe en lo que queda / not enough room left: "
            + "; ".join(short[:10])
            + ". Re-optimice el plan con lo que queda / re-optimise the plan."
        )
