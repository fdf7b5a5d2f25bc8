"""People, families, destinations and vacancies as stored, with history, duplicate
review, occupation corrections and erasure on request."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select

from arraigo.data import PERSONAL_COLUMNS, Dataset, derive_use

from .._audit import audit
from .._deps import AnyRole, Offset, RowId, SessionDep, Staff, StaffOrOfficer
from .._models import DuplicateFlag, OccupationCorrection, Placement, Record, User, now
from .._schemas import (
    DestinationOut,
    DuplicateDecision,
    DuplicateOut,
    ErasureOut,
    FamilyOut,
    HistoryOut,
    OccupationIn,
    Page,
    PersonOut,
    VacancyOut,
)
from .._scoring import corrections
from .._security import PERSONAL_DATA_ROLES
from .._store import clean, current_frame, erase_person, frame_from_json, history

router = APIRouter(prefix="/api/v1", tags=["records"])

Limit = Annotated[int, Query(ge=1, le=1000)]


def officer_candidates(session, user: User) -> set[str]:
    """People whose placements this employment officer follows."""
    rows = session.scalars(select(Placement.person_id).where(Placement.officer == user.username))
    return set(rows)


def personal_filter(session, user: User):
    """A function that blanks personal fields of people the user may not see."""
    if user.role in PERSONAL_DATA_ROLES:
        return lambda row: row
    allowed = officer_candidates(session, user) if user.role == "employment_officer" else set()

    def blank(row: dict[str, Any]) -> dict[str, Any]:
        if row.get("person_id") in allowed:
            return row
        return {k: (None if k in PERSONAL_COLUMNS else v) for k, v in row.items()}

    return blank


def _current_record(session, kind: str, key: str) -> Record:
    record = session.scalar(
        select(Record).where(Record.kind == kind, Record.key == key, Record.current)
    )
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No {kind} record {key!r}.")
    return record


def _person(row: dict[str, Any], version: int, corrected: str | None) -> PersonOut:
    fixed = ("version", "erased", "corrected_isco")
    fields = {k: v for k, v in row.items() if k in PersonOut.model_fields and k not in fixed}
    for column in ("languages", "health_needs", "documents"):
        if isinstance(fields.get(column), list):
            fields[column] = tuple(fields[column])
    return PersonOut.model_construct(
        **fields, version=version, erased=bool(row.get("erased")), corrected_isco=corrected
    )


@router.get("/people", response_model=Page[PersonOut], summary="People waiting or placed")
def list_people(
    session: SessionDep,
    user: StaffOrOfficer,
    family_id: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[PersonOut]:
    """Personal fields (name, phone) are null unless the role may see them: relocation
    staff see everyone's, an employment officer only their candidates'."""
    records = session.scalars(
        select(Record).where(Record.kind == "people", Record.current).order_by(Record.id)
    ).all()
    if family_id is not None:
        records = [r for r in records if r.data.get("family_id") == family_id]
    visible = personal_filter(session, user)
    corrected = corrections(session)
    items = [
        _person(visible(r.data), r.version, corrected.get(r.key))
        for r in records[offset : offset + limit]
    ]
    return Page[PersonOut](total=len(records), items=items)


@router.get("/people/{person_id}", response_model=PersonOut, summary="One person")
def get_person(person_id: str, session: SessionDep, user: StaffOrOfficer) -> PersonOut:
    record = _current_record(session, "people", person_id)
    corrected = corrections(session, [person_id]).get(person_id)
    return _person(personal_filter(session, user)(record.data), record.version, corrected)


@router.get(
    "/people/{person_id}/history",
    response_model=list[HistoryOut],
    summary="Every stored version of a person",
)
def person_history(person_id: str, session: SessionDep, user: Staff) -> list[HistoryOut]:
    versions = history(session, "people", person_id)
    if not versions:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No person {person_id!r}.")
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


@router.put(
    "/people/{person_id}/occupation",
    response_model=PersonOut,
    summary="Correct the occupation the engine assigned",
)
def correct_occupation(
    person_id: str, body: OccupationIn, session: SessionDep, user: StaffOrOfficer
) -> PersonOut:
    """The correction is kept and used by later matching."""
    record = _current_record(session, "people", person_id)
    session.add(
        OccupationCorrection(person_id=person_id, created_by=user.username, **body.model_dump())
    )
    audit(session, user, "occupation_correct", "person", person_id, isco=body.isco)
    return _person(personal_filter(session, user)(record.data), record.version, body.isco)


@router.delete(
    "/people/{person_id}/personal-data",
    response_model=ErasureOut,
    summary="Erase a person's personal data on request",
)
def erase(person_id: str, session: SessionDep, user: Staff) -> ErasureOut:
    """Name, phone and free text are removed from every stored version; age, sex,
    nationality and placements stay for anonymous counts. Logged."""
    count = erase_person(session, person_id)
    if count == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No person {person_id!r}.")
    audit(session, user, "erase", "person", person_id, versions=count)
    return ErasureOut(person_id=person_id, versions_erased=count)


@router.get("/families", response_model=Page[FamilyOut], summary="Families and their use")
def list_families(
    session: SessionDep, user: Staff, limit: Limit = 100, offset: Offset = 0
) -> Page[FamilyOut]:
    families = current_frame(session, "families")
    if families is None:
        return Page[FamilyOut](total=0, items=[])
    people = current_frame(session, "people")
    destinations = current_frame(session, "destinations")
    resources = Dataset(destinations=destinations).resources if destinations is not None else ()
    use = derive_use(people, families, resources) if people is not None else None
    page = families.iloc[offset : offset + limit]
    items = []
    for row in page.to_dict("records"):
        fields = {k: v for k, v in clean(row).items() if k in FamilyOut.model_fields}
        uses = {} if use is None else use.loc[row["family_id"]].to_dict()
        items.append(FamilyOut.model_construct(**fields, use=uses))
    return Page[FamilyOut](total=len(families), items=items)


@router.get("/destinations", response_model=list[DestinationOut], summary="Destination cities")
def list_destinations(session: SessionDep, user: AnyRole) -> list[DestinationOut]:
    rows = session.scalars(
        select(Record).where(Record.kind == "destinations", Record.current).order_by(Record.id)
    )
    out = []
    for record in rows:
        data = record.data
        capacity = {k.removeprefix("cap_"): v for k, v in data.items() if k.startswith("cap_")}
        fields = {k: v for k, v in data.items() if k in DestinationOut.model_fields}
        out.append(
            DestinationOut.model_construct(**fields, capacity=capacity, version=record.version)
        )
    return out


@router.get("/vacancies", response_model=Page[VacancyOut], summary="SNE vacancies")
def list_vacancies(
    session: SessionDep,
    user: StaffOrOfficer,
    city: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[VacancyOut]:
    records = session.scalars(
        select(Record).where(Record.kind == "vacancies", Record.current).order_by(Record.id)
    ).all()
    if city is not None:
        records = [r for r in records if r.data.get("city") == city]
    items = []
    for record in records[offset : offset + limit]:
        row = clean(frame_from_json("vacancies", [record.data]).iloc[0].to_dict())
        fields = {k: v for k, v in row.items() if k in VacancyOut.model_fields}
        items.append(VacancyOut.model_construct(**fields, version=record.version))
    return Page[VacancyOut](total=len(records), items=items)


@router.get("/duplicates", response_model=list[DuplicateOut], summary="Likely duplicate people")
def list_duplicates(
    session: SessionDep, user: Staff, status_filter: Annotated[str, Query(alias="status")] = "open"
) -> list[DuplicateOut]:
    rows = session.scalars(
        select(DuplicateFlag)
        .where(DuplicateFlag.status == status_filter)
        .order_by(DuplicateFlag.id)
    )
    return [DuplicateOut.model_validate(r) for r in rows]


@router.post(
    "/duplicates/{flag_id}", response_model=DuplicateOut, summary="Decide on a likely duplicate"
)
def decide_duplicate(
    flag_id: RowId, body: DuplicateDecision, session: SessionDep, user: Staff
) -> DuplicateOut:
    flag = session.get(DuplicateFlag, flag_id)
    if flag is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No duplicate flag {flag_id}.")
    flag.status, flag.note = body.status, body.note
    flag.reviewed_by, flag.reviewed_at = user.username, now()
    audit(session, user, "duplicate_review", "duplicate", flag_id, status=body.status)
    return DuplicateOut.model_validate(flag)
