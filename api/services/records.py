"""People, families, destinations and vacancies as stored, as each role may see them:
listing, history, occupation corrections and erasure on request."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from arraigo.data import Dataset, fold

from ..db import OccupationCorrection, Record, User
from ..schemas import (
    DestinationOut,
    ErasureOut,
    FamilyOut,
    HistoryOut,
    OccupationIn,
    Page,
    PersonOut,
    VacancyOut,
)
from .audit import audit
from .erasure import erase_free_text_and_embeddings
from .errors import NotFound
from .ledger import Cell, placed_family_ids, position_cells
from .matchers import checked_occupation
from .privacy import personal_filter
from .scoring import Correction, corrections
from .store import (
    clean,
    current_fields,
    current_frame,
    current_page,
    current_record,
    current_records,
    erase_person,
    frame_from_json,
    history,
    json_text,
    records_by_id,
)


def _person(row: dict[str, Any], version: int, corrected: Correction | None) -> PersonOut:
    fixed = ("version", "erased", "corrected_isco")
    fields = {k: v for k, v in row.items() if k in PersonOut.model_fields and k not in fixed}
    for column in ("languages", "health_needs", "documents"):
        if isinstance(fields.get(column), list):
            fields[column] = tuple(fields[column])
    return PersonOut.model_construct(
        **fields,
        version=version,
        erased=bool(row.get("erased")),
        corrected_isco=corrected and corrected.isco,
    )


# Searching folds every name and id on every ask: the same texts, folded once each.
_folded = lru_cache(maxsize=200_000)(fold)


def search_ids(
    rows: list[tuple[Any, ...]], query: str, shown: Callable[[str], bool] | None = None
) -> list[int]:
    """Row ids of ``rows`` ((id, key, *texts), as store.current_fields reads them) in which
    every word of ``query`` is in the key or one of the texts, ignoring case and accents.
    ``shown(key)`` says whether a row's texts may be searched (a name the user may not
    see never answers a search)."""
    words = fold(query).split()
    found = []
    for row_id, key, *texts in rows:
        haystack = _folded(key)
        if shown is None or shown(key):
            haystack += " " + " ".join(_folded(t) for t in texts if t)
        if all(word in haystack for word in words):
            found.append(row_id)
    return found


def _window(
    session: Session,
    kind: str,
    offset: int,
    limit: int,
    q: str | None,
    fields: tuple[str, ...],
    where: tuple[ColumnElement[bool], ...] = (),
    shown: Callable[[str], bool] | None = None,
) -> tuple[int, list[Record]]:
    """A page of a kind's current records passing ``where`` and, when ``q`` has words,
    the search over the key and ``fields``; and how many pass."""
    if not (q or "").strip():
        return current_page(session, kind, offset, limit, where)
    ids = search_ids(current_fields(session, kind, fields, where), q or "", shown)
    return len(ids), records_by_id(session, ids[offset : offset + limit])


def list_people(
    session: Session,
    user: User,
    family_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
    q: str | None = None,
) -> Page[PersonOut]:
    """People in import order, a page at a time; ``q`` searches ids and the names the
    user may see. Personal fields (name, phone) are null unless the role may see them."""
    where = () if family_id is None else (json_text("family_id") == family_id,)
    visible = personal_filter(session, user)

    def named(person_id: str) -> bool:
        return visible({"person_id": person_id, "full_name": True})["full_name"] is not None

    total, page = _window(session, "people", offset, limit, q, ("full_name",), where, named)
    corrected = corrections(session, [r.key for r in page])
    items = [_person(visible(r.data), r.version, corrected.get(r.key)) for r in page]
    return Page[PersonOut](total=total, items=items)


def get_person(session: Session, user: User, person_id: str) -> PersonOut:
    record = current_record(session, "people", person_id)
    corrected = corrections(session, [person_id]).get(person_id)
    return _person(personal_filter(session, user)(record.data), record.version, corrected)


def person_history(session: Session, person_id: str) -> list[HistoryOut]:
    versions = history(session, "people", person_id)
    if not versions:
        raise NotFound(f"No person {person_id!r}.")
    return [
        HistoryOut(
            version=v.version,
            current=v.current,
            created_at=v.created_at,
            import_id=v.import_id,
            data=v.data,
        )
        for v in versions
    ]


def correct_occupation(
    session: Session, user: User, person_id: str, correction: OccupationIn
) -> PersonOut:
    """Keep staff's occupation for a person (an ESCO occupation or an ISCO-08 unit group
    that exists, else Invalid); later matching puts it first."""
    record = current_record(session, "people", person_id)
    esco_id, isco, label = checked_occupation(correction.esco_id, correction.isco)
    session.add(
        OccupationCorrection(
            person_id=person_id,
            created_by=user.username,
            isco=isco,
            esco_id=esco_id,
            label=correction.label or label,
            note=correction.note,
        )
    )
    audit(session, user, "occupation_correct", "person", person_id, isco=isco, esco_id=esco_id)
    visible = personal_filter(session, user)(record.data)
    return _person(visible, record.version, Correction(isco, esco_id))


def erase(session: Session, user: User, person_id: str, cache_dir: str | None = None) -> ErasureOut:
    """Name, phone and free text removed from every stored version, from the notes and
    reasons that name the person, and their profile's embeddings from the cache; logged.
    The caller commits, then checkpoints the database (erasure.checkpoint)."""
    versions = history(session, "people", person_id)
    if not versions:
        raise NotFound(f"No person {person_id!r}.")
    elsewhere = erase_free_text_and_embeddings(session, versions, cache_dir)
    count = erase_person(session, person_id)
    audit(session, user, "erase", "person", person_id, versions=count, **elsewhere)
    return ErasureOut(person_id=person_id, versions_erased=count)


# A page as long as any table can be: every row at once.
EVERY_ROW = 2**31 - 1


def _family_filters(origin: str | None, waiting: bool) -> tuple[ColumnElement[bool], ...]:
    where: list[ColumnElement[bool]] = []
    if origin:
        where.append(json_text("origin") == origin)
    if waiting:
        where.append(Record.key.not_in(placed_family_ids()))
    return tuple(where)


def waiting_family_ids(session: Session, q: str | None, origin: str | None) -> list[str]:
    """The ids of every waiting family that :func:`list_families` finds, all pages at
    once and without computing what each uses (a plan takes them whole)."""
    where = _family_filters(origin, waiting=True)
    _, records = _window(session, "families", 0, EVERY_ROW, q, ("origin",), where)
    return [r.key for r in records]


def list_families(
    session: Session,
    limit: int = 100,
    offset: int = 0,
    q: str | None = None,
    origin: str | None = None,
    waiting: bool = False,
) -> Page[FamilyOut]:
    """Families with what each uses of every resource the destinations declare, a page
    at a time: ``q`` searches ids and origins, ``origin`` keeps one origin, ``waiting``
    only those no approved plan placed."""
    where = _family_filters(origin, waiting)
    total, page = _window(session, "families", offset, limit, q, ("origin",), where)
    if not page:
        return Page[FamilyOut](total=total, items=[])
    families = frame_from_json("families", [r.data for r in page])
    ids = [r.key for r in page]
    people = frame_from_json(
        "people",
        list(
            session.scalars(
                select(Record.data).where(
                    Record.kind == "people", Record.current, json_text("family_id").in_(ids)
                )
            )
        ),
    )
    batch = Dataset(
        people=people, families=families, destinations=current_frame(session, "destinations")
    )
    use = batch.family_use() if len(people) and batch.resources else None
    items = []
    for row in families.to_dict("records"):
        fields = {k: v for k, v in clean(row).items() if k in FamilyOut.model_fields}
        uses = {} if use is None else use.loc[row["family_id"]].to_dict()
        items.append(FamilyOut.model_construct(**fields, use=uses))
    return Page[FamilyOut](total=total, items=items)


def list_destinations(session: Session) -> list[DestinationOut]:
    out = []
    for record in current_records(session, "destinations"):
        data = record.data
        capacity = {k.removeprefix("cap_"): v for k, v in data.items() if k.startswith("cap_")}
        fields = {k: v for k, v in data.items() if k in DestinationOut.model_fields}
        out.append(
            DestinationOut.model_construct(**fields, capacity=capacity, version=record.version)
        )
    return out


def list_vacancies(
    session: Session,
    city: str | None = None,
    limit: int = 100,
    offset: int = 0,
    q: str | None = None,
) -> Page[VacancyOut]:
    """Vacancies in import order, a page at a time: ``q`` searches ids, titles and
    employers; ``city`` keeps one city."""
    where = () if city is None else (json_text("city") == city,)
    total, page = _window(session, "vacancies", offset, limit, q, ("title", "employer"), where)
    positions = position_cells(session, [r.key for r in page])
    return Page[VacancyOut](total=total, items=[_vacancy(r, positions) for r in page])


def get_vacancy(session: Session, vacancy_id: str) -> VacancyOut:
    """One vacancy with its positions held and remaining, or NotFound."""
    record = current_record(session, "vacancies", vacancy_id)
    return _vacancy(record, position_cells(session, [vacancy_id]))


def _vacancy(record: Record, positions: dict[str, Cell]) -> VacancyOut:
    row = clean(frame_from_json("vacancies", [record.data]).iloc[0].to_dict())
    fields = {k: v for k, v in row.items() if k in VacancyOut.model_fields}
    cell = positions[record.key]
    return VacancyOut.model_construct(
        **fields,
        version=record.version,
        positions_held=int(cell.held),
        positions_remaining=int(cell.remaining),
    )
