"""People, families, destinations and vacancies as stored, as each role may see them:
listing, history, occupation corrections and erasure on request."""

from typing import Any

from sqlalchemy.orm import Session

from arraigo.data import Dataset

from ..db import OccupationCorrection, User
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
from .ledger import position_cells
from .matchers import checked_occupation
from .privacy import personal_filter
from .scoring import Correction, corrections
from .store import (
    clean,
    current_frame,
    current_record,
    current_records,
    erase_person,
    frame_from_json,
    history,
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


def list_people(
    session: Session, user: User, family_id: str | None = None, limit: int = 100, offset: int = 0
) -> Page[PersonOut]:
    """Personal fields (name, phone) are null unless the role may see them."""
    records = current_records(session, "people")
    if family_id is not None:
        records = [r for r in records if r.data.get("family_id") == family_id]
    visible = personal_filter(session, user)
    corrected = corrections(session)
    items = [
        _person(visible(r.data), r.version, corrected.get(r.key))
        for r in records[offset : offset + limit]
    ]
    return Page[PersonOut](total=len(records), items=items)


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


def list_families(session: Session, limit: int = 100, offset: int = 0) -> Page[FamilyOut]:
    """Families with what each uses of every resource the destinations declare."""
    families = current_frame(session, "families")
    if families is None:
        return Page[FamilyOut](total=0, items=[])
    people = current_frame(session, "people")
    destinations = current_frame(session, "destinations")
    batch = Dataset(people=people, families=families, destinations=destinations)
    use = batch.family_use() if people is not None else None
    page = families.iloc[offset : offset + limit]
    items = []
    for row in page.to_dict("records"):
        fields = {k: v for k, v in clean(row).items() if k in FamilyOut.model_fields}
        uses = {} if use is None else use.loc[row["family_id"]].to_dict()
        items.append(FamilyOut.model_construct(**fields, use=uses))
    return Page[FamilyOut](total=len(families), items=items)


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
    session: Session, city: str | None = None, limit: int = 100, offset: int = 0
) -> Page[VacancyOut]:
    records = current_records(session, "vacancies")
    if city is not None:
        records = [r for r in records if r.data.get("city") == city]
    positions = position_cells(session)
    items = []
    for record in records[offset : offset + limit]:
        row = clean(frame_from_json("vacancies", [record.data]).iloc[0].to_dict())
        fields = {k: v for k, v in row.items() if k in VacancyOut.model_fields}
        cell = positions[record.key]
        items.append(
            VacancyOut.model_construct(
                **fields,
                version=record.version,
                positions_held=int(cell.held),
                positions_remaining=int(cell.remaining),
            )
        )
    return Page[VacancyOut](total=len(records), items=items)
