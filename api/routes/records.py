"""People, families, destinations and vacancies as stored, with history, duplicate
review, occupation corrections and erasure on request."""

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import AnyRole, Offset, RowId, SessionDep, SettingsDep, Staff, StaffOrOfficer
from ..schemas import (
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
from ..services import duplicates, records
from ..services.erasure import checkpoint

router = APIRouter(prefix="/api/v1", tags=["records"])

Limit = Annotated[int, Query(ge=1, le=1000)]
Search = Annotated[
    str | None,
    Query(
        max_length=200, description="Words to find (case and accents ignored), in ids and names."
    ),
]


@router.get("/people", response_model=Page[PersonOut], summary="People waiting or placed")
def list_people(
    session: SessionDep,
    user: StaffOrOfficer,
    family_id: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    q: Search = None,
) -> Page[PersonOut]:
    """Personal fields (name, phone) are null unless the role may see them: relocation
    staff see everyone's, an employment officer only their candidates'. `q` finds ids,
    and names only where the caller may see them; `total` counts every match."""
    return records.list_people(session, user, family_id, limit, offset, q)


@router.get("/people/{person_id}", response_model=PersonOut, summary="One person")
def get_person(person_id: str, session: SessionDep, user: StaffOrOfficer) -> PersonOut:
    return records.get_person(session, user, person_id)


@router.get(
    "/people/{person_id}/history",
    response_model=list[HistoryOut],
    summary="Every stored version of a person",
)
def person_history(person_id: str, session: SessionDep, user: Staff) -> list[HistoryOut]:
    return records.person_history(session, person_id)


@router.put(
    "/people/{person_id}/occupation",
    response_model=PersonOut,
    summary="Correct the occupation the engine assigned",
)
def correct_occupation(
    person_id: str, body: OccupationIn, session: SessionDep, user: StaffOrOfficer
) -> PersonOut:
    """The correction is kept and used by later matching."""
    return records.correct_occupation(session, user, person_id, body)


@router.delete(
    "/people/{person_id}/personal-data",
    response_model=ErasureOut,
    summary="Erase a person's personal data on request",
)
def erase(person_id: str, session: SessionDep, user: Staff, settings: SettingsDep) -> ErasureOut:
    """Name, phone and free text are removed from every stored version, from notes,
    reasons and audit details that name the person, and their profile's embeddings
    from the matching cache; age, sex, nationality and placements stay for anonymous
    counts (see the README). Logged."""
    erased = records.erase(session, user, person_id, settings.cache_dir)
    session.commit()
    checkpoint(session.get_bind())
    return erased


@router.get("/families", response_model=Page[FamilyOut], summary="Families and their use")
def list_families(
    session: SessionDep,
    user: Staff,
    limit: Limit = 100,
    offset: Offset = 0,
    q: Search = None,
    origin: str | None = None,
    waiting: Annotated[bool, Query(description="Only families no approved plan placed.")] = False,
) -> Page[FamilyOut]:
    """`q` finds family ids and origins; `total` counts every family that passes."""
    return records.list_families(session, limit, offset, q, origin, waiting)


@router.get("/destinations", response_model=list[DestinationOut], summary="Destination cities")
def list_destinations(session: SessionDep, user: AnyRole) -> list[DestinationOut]:
    return records.list_destinations(session)


@router.get("/vacancies", response_model=Page[VacancyOut], summary="SNE vacancies")
def list_vacancies(
    session: SessionDep,
    user: StaffOrOfficer,
    city: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    q: Search = None,
) -> Page[VacancyOut]:
    """`q` finds vacancy ids, titles and employers; `total` counts every match."""
    return records.list_vacancies(session, city, limit, offset, q)


@router.get("/duplicates", response_model=list[DuplicateOut], summary="Likely duplicate people")
def list_duplicates(
    session: SessionDep, user: Staff, status_filter: Annotated[str, Query(alias="status")] = "open"
) -> list[DuplicateOut]:
    return duplicates.list_duplicates(session, status_filter)


@router.post(
    "/duplicates/{flag_id}", response_model=DuplicateOut, summary="Decide on a likely duplicate"
)
def decide_duplicate(
    flag_id: RowId, body: DuplicateDecision, session: SessionDep, user: Staff
) -> DuplicateOut:
    return duplicates.decide_duplicate(session, user, flag_id, body)
