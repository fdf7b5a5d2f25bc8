"""Matching: the best vacancies for a person and the best people for a vacancy."""

import threading
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy import select

from .._deps import SessionDep, StaffOrOfficer
from .._models import Record
from .._schemas import MatchOut
from .._scoring import matcher_for, with_corrections
from .._store import clean, current_frame, data_version, frame_from_json
from .records import personal_filter

router = APIRouter(prefix="/api/v1", tags=["matching"])
_fit_lock = threading.Lock()

TopK = Annotated[int, Query(ge=1, le=100, description="How many to return.")]


def fitted_matcher(request: Request, session):
    """The matcher fitted on the current vacancies, refitted when the data changes."""
    version = data_version(session)
    cached = getattr(request.app.state, "matcher", None)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _fit_lock:
        cached = getattr(request.app.state, "matcher", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        vacancies = current_frame(session, "vacancies")
        if vacancies is None:
            raise HTTPException(status.HTTP_409_CONFLICT, detail="No vacancies stored yet.")
        matcher = matcher_for(vacancies)
        request.app.state.matcher = (version, matcher, vacancies.set_index("vacancy_id"))
        return matcher


def _split(value, separator: str) -> list[str]:
    if isinstance(value, list | tuple):
        return list(value)
    return [part for part in (value or "").split(separator) if part]


def _rows(table: pd.DataFrame, vacancies: pd.DataFrame, visible) -> list[MatchOut]:
    out = []
    for row in map(clean, table.to_dict("records")):
        known = row["vacancy_id"] in vacancies.index
        vacancy = clean(vacancies.loc[row["vacancy_id"]].to_dict()) if known else {}
        person = visible({"person_id": row["person_id"], "full_name": row.get("full_name")})
        fields: dict[str, Any] = {k: v for k, v in row.items() if k in MatchOut.model_fields}
        # The matcher joins blockers with "; " and gaps with ", " for its CSV output.
        fields["blockers"] = _split(row.get("blockers"), "; ")
        fields["gaps"] = _split(row.get("gaps"), ", ")
        out.append(
            MatchOut(
                **fields
                | {
                    "title": vacancy.get("title"),
                    "employer": vacancy.get("employer"),
                    "city": vacancy.get("city"),
                    "full_name": person.get("full_name"),
                }
            )
        )
    return out


@router.get(
    "/people/{person_id}/matches",
    response_model=list[MatchOut],
    summary="Best vacancies for a person, with reasons",
)
def person_matches(
    person_id: str, request: Request, session: SessionDep, user: StaffOrOfficer, k: TopK = 10
) -> list[MatchOut]:
    """Vacancies a person cannot take yet (a missing RFC, say) stay in the list with
    `eligible: false` and the blocker named."""
    record = session.scalar(
        select(Record).where(Record.kind == "people", Record.key == person_id, Record.current)
    )
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No person {person_id!r}.")
    matcher = fitted_matcher(request, session)
    vacancies = request.app.state.matcher[2]
    person = with_corrections(session, frame_from_json("people", [record.data]))
    person["skills_text"] = person["skills_text"].fillna("")
    table = matcher.rank_vacancies(person, top_k=k)
    table["full_name"] = record.data.get("full_name")
    return _rows(table, vacancies, personal_filter(session, user))


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response_model=list[MatchOut],
    summary="Best people for a vacancy, with reasons",
)
def vacancy_candidates(
    vacancy_id: str, request: Request, session: SessionDep, user: StaffOrOfficer, k: TopK = 10
) -> list[MatchOut]:
    matcher = fitted_matcher(request, session)
    vacancies = request.app.state.matcher[2]
    if vacancy_id not in vacancies.index:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No vacancy {vacancy_id!r}.")
    people = current_frame(session, "people")
    if people is None:
        return []
    people = with_corrections(session, people)
    people["skills_text"] = people["skills_text"].fillna("")
    table = matcher.rank_people(people, top_k=k, vacancy_ids=[vacancy_id])
    names = people.set_index("person_id")["full_name"] if "full_name" in people else None
    table["full_name"] = table["person_id"].map(names) if names is not None else None
    return _rows(table, vacancies, personal_filter(session, user))
