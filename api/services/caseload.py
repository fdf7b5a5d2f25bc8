"""Placements as caseworkers work them: a page of families at a time, each with its
relocated members' names (where the user may see them), ages and planned vacancies
(employer and title); and officers given whole families, or a city's unassigned cases,
at once.

Officers follow working-age members only (:func:`arraigo.data.working_members`): a
child is never anyone's case, whether assigned one by one or in bulk."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from arraigo.data import fold, working_members

from ..db import Placement, Record, User
from ..schemas import PlacementOut
from ..vocab import RELEASED, Role
from .audit import audit
from .errors import Invalid
from .privacy import case_scope, personal_filter
from .store import frame_from_json

UNASSIGNED = "-"  # the officer filter for placements nobody follows yet


@dataclass(frozen=True)
class Member:
    """One relocated person of a family, as the user may see them."""

    placement: PlacementOut
    name: str | None
    age: int | None
    working: bool
    vacancy: str | None  # "title · employer", when the plan gave them one


@dataclass(frozen=True)
class FamilyCase:
    family_id: str
    city: str
    members: list[Member]

    @property
    def officers(self) -> list[str]:
        return sorted({m.placement.officer for m in self.members if m.placement.officer})


@dataclass(frozen=True)
class CasePage:
    """One page of families, how many families and placements pass the filters."""

    families: int
    placements: int
    items: list[FamilyCase]


def placement_filters(
    user: User,
    mine: bool = False,
    city: str | None = None,
    officer: str | None = None,
    status: str | None = None,
) -> list[ColumnElement[bool]]:
    """What a list of placements keeps: the user's cases (privacy.case_scope) and the
    filters asked for (``officer`` a username, or UNASSIGNED)."""
    where = [case_scope(user)]
    if mine:
        where.append(Placement.officer == user.username)
    if city:
        where.append(Placement.city == city)
    if officer == UNASSIGNED:
        where.append(Placement.officer.is_(None))
    elif officer:
        where.append(Placement.officer == officer)
    if status:
        where.append(Placement.status == status)
    return where


def _people(session: Session, person_ids: list[str]) -> dict[str, dict[str, Any]]:
    query = select(Record.key, Record.data).where(
        Record.kind == "people", Record.current, Record.key.in_(person_ids)
    )
    return {key: data for key, data in session.execute(query)}


def _visible_name(session: Session, user: User) -> Callable[[str, str | None], str | None]:
    visible = personal_filter(session, user)
    return lambda person_id, name: visible({"person_id": person_id, "full_name": name})["full_name"]


def _searched(
    session: Session, user: User, rows: list[tuple[int, str, str]], q: str
) -> list[tuple[int, str, str]]:
    """Placements whose person id, family id or (visible) name hold every word of ``q``."""
    words = fold(q).split()
    names = _people(session, sorted({person for _id, _family, person in rows}))
    named = _visible_name(session, user)
    kept = []
    for row_id, family, person in rows:
        name = named(person, names.get(person, {}).get("full_name")) or ""
        text = fold(f"{person} {family} {name}")
        if all(word in text for word in words):
            kept.append((row_id, family, person))
    return kept


def families_page(
    session: Session,
    user: User,
    offset: int = 0,
    limit: int = 25,
    q: str | None = None,
    **filters: Any,
) -> CasePage:
    """Families with placements passing the filters (see :func:`placement_filters`),
    in the order they were placed, ``limit`` of them from ``offset`` on; ``q`` finds a
    person by id or visible name, or a family by id, and shows the whole family."""
    where = placement_filters(user, **filters)
    rows = session.execute(
        select(Placement.id, Placement.family_id, Placement.person_id)
        .where(*where)
        .order_by(Placement.id)
    ).all()
    rows = [tuple(r) for r in rows]
    if (q or "").strip():  # a family whose member is found comes whole
        found = {family for _id, family, _person in _searched(session, user, rows, q or "")}
        rows = [row for row in rows if row[1] in found]
    order = list(dict.fromkeys(family for _id, family, _person in rows))
    shown = set(order[offset : offset + limit])
    ids = [row_id for row_id, family, _person in rows if family in shown]
    placements = list(
        session.scalars(select(Placement).where(Placement.id.in_(ids)).order_by(Placement.id))
    )
    people = _people(session, [p.person_id for p in placements])
    frame = frame_from_json("people", list(people.values())) if people else None
    adults = set() if frame is None else set(frame.loc[working_members(frame), "person_id"])
    vacancies = _vacancies(session, {p.vacancy_id for p in placements if p.vacancy_id})
    named = _visible_name(session, user)
    cases: dict[str, FamilyCase] = {}
    for p in placements:
        person = people.get(p.person_id, {})
        case = cases.setdefault(p.family_id, FamilyCase(p.family_id, p.city, []))
        case.members.append(
            Member(
                placement=PlacementOut.model_validate(p),
                name=named(p.person_id, person.get("full_name")),
                age=person.get("age"),
                working=p.person_id in adults,
                vacancy=vacancies.get(p.vacancy_id or ""),
            )
        )
    items = [cases[f] for f in order[offset : offset + limit] if f in cases]
    return CasePage(families=len(order), placements=len(rows), items=items)


def _vacancies(session: Session, vacancy_ids: set[str]) -> dict[str, str]:
    """Each vacancy's "title · employer"."""
    if not vacancy_ids:
        return {}
    query = select(Record.key, Record.data).where(
        Record.kind == "vacancies", Record.current, Record.key.in_(sorted(vacancy_ids))
    )
    return {
        key: " · ".join(str(data[c]) for c in ("title", "employer") if data.get(c))
        for key, data in session.execute(query)
    }


def working_age(session: Session, person_ids: list[str]) -> set[str]:
    """Those of ``person_ids`` whose records give them a working age."""
    people = _people(session, person_ids)
    if not people:
        return set()
    frame = frame_from_json("people", list(people.values()))
    return set(frame.loc[working_members(frame), "person_id"])


def check_officer(session: Session, officer: str | None) -> None:
    """Invalid unless ``officer`` (when given) is an active employment officer's
    username (a deactivated account, reactivated later, would find the cases there)."""
    if officer is None:
        return
    found = session.scalar(select(User).where(User.username == officer))
    if found is None or found.role != Role.employment_officer or not found.active:
        raise Invalid(
            f"«{officer}» no es un oficial de empleo activo / not an active employment officer."
        )


def assign_many(
    session: Session,
    user: User,
    officer: str | None,
    family_id: str | None = None,
    city: str | None = None,
) -> int:
    """Give an officer (or nobody, ``None``) the working-age members of one family, or
    every working-age member of a city's families whom nobody follows yet (a city's
    other cases stay with their officers; a family's move, logged with whose they
    were); placements already released (cancelled,
    left) stay as they are. Returns how many placements changed; logged once."""
    if (family_id is None) == (city is None):
        raise Invalid("Elija una familia o una ciudad / choose a family or a city.")
    check_officer(session, officer)
    query = select(Placement).where(Placement.status.not_in(RELEASED))
    if family_id is not None:
        query = query.where(Placement.family_id == family_id)
    else:
        query = query.where(Placement.city == city, Placement.officer.is_(None))
    placements = list(session.scalars(query))
    adults = working_age(session, [p.person_id for p in placements])
    changed = [p for p in placements if p.person_id in adults and p.officer != officer]
    # Whose cases they were (a family's members may move from another officer).
    previous = {str(p.id): p.officer for p in changed if p.officer is not None}
    for placement in changed:
        placement.officer = officer
    audit(
        session,
        user,
        "placement_assign_many",
        "family" if family_id is not None else "city",
        family_id or city,
        officer=officer,
        placements=len(changed),
        previous=previous,
    )
    return len(changed)
