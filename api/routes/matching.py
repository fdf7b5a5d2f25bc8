"""Matching: the best vacancies for a person and the best people for a vacancy.

The matcher is fitted once per version of the stored vacancies. A person's ranked
vacancies are kept, as the JSON answer, while nothing they depend on changes (the
vacancies, the person's record, the occupation staff confirmed for them): in each
worker's memory and in a table all workers share. A caseworker going back to a person
is answered without ranking 50,000 postings again; an erasure deletes the kept ones.
"""

import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .._db import transaction
from .._deps import (
    WORKERS,
    BearerToken,
    SessionDep,
    StaffOrOfficer,
    allowed,
    signed_in,
    token_of,
)
from .._models import MatchResult, OccupationCorrection, Record
from .._schemas import MatchOut
from .._scoring import matcher_for, with_corrections
from .._store import clean, current_frame, data_version, frame_from_json
from .records import personal_filter

router = APIRouter(prefix="/api/v1", tags=["matching"])
log = logging.getLogger(__name__)
_fit_lock = threading.Lock()
REFIT_EVERY = 5.0  # seconds between checks for changed vacancies

TopK = Annotated[int, Query(ge=1, le=100, description="How many to return.")]


@dataclass(frozen=True)
class Ranked:
    """A person's ranked vacancies, and their JSON with and without the person's name."""

    named: bytes
    anonymous: bytes

    def matches(self, named: bool) -> list[MatchOut]:
        return _MATCH_LIST.validate_json(self.named if named else self.anonymous)


_MATCH_LIST = TypeAdapter(list[MatchOut])


class MatchCache:
    """Ranked matches by key, the least recently used dropped beyond ``size`` entries."""

    def __init__(self, size: int = 5_000) -> None:  # about 12 kB each
        self.size = size
        self._entries: OrderedDict[Hashable, Ranked] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Ranked | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, ranked: Ranked) -> None:
        with self._lock:
            self._entries[key] = ranked
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def vacancies_version(app, session, version: int | None = None) -> int:
    """Grows whenever a vacancy record changes (looked up only when any record did;
    ``version`` is the data version when the caller already read it)."""
    version = data_version(session) if version is None else version
    known = getattr(app.state, "vacancies_version", None)
    if known is not None and known[0] == version:
        return known[1]
    newest = session.scalar(select(func.max(Record.id)).where(Record.kind == "vacancies")) or 0
    app.state.vacancies_version = (version, newest)
    return newest


def fitted_matcher(request: Request, session, version: int | None = None):
    """The matcher fitted on the current vacancies, refitted when they change."""
    matcher = refit(request.app, session, version)
    if matcher is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="No vacancies stored yet.")
    return matcher


def refit(app, session, version: int | None = None):
    """The matcher for the current vacancies, fitted first if they changed (None when
    there are none). One fit at a time per worker; the others wait for it."""
    version = vacancies_version(app, session, version)
    cached = getattr(app.state, "matcher", None)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _fit_lock:
        cached = getattr(app.state, "matcher", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        vacancies = current_frame(session, "vacancies")
        if vacancies is None:
            return None
        matcher = matcher_for(vacancies)
        app.state.matcher = (version, matcher, vacancies.set_index("vacancy_id"))
        # The fitted index is millions of long-lived objects: leave them out of the
        # garbage collector's full passes, which would otherwise pause every request.
        # Unfrozen and collected first, so the matcher this one replaces is freed.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        # Rankings over vacancies that changed since are never asked for again.
        session.execute(delete(MatchResult).where(MatchResult.vacancies_version < version))
        return matcher


class Refitter:
    """Refits a worker's matcher in the background soon after the vacancies change (an
    import through any worker), so the first caseworker to ask does not wait for it."""

    def __init__(self, app, every: float | None = None) -> None:
        self.app, self.every = app, REFIT_EVERY if every is None else every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="arraigo-refit", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def shutdown(self) -> None:
        self.stop.set()
        self.thread.join(timeout=self.every + 1)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                with transaction(self.app.state.sessions) as session:
                    refit(self.app, session)
            except Exception:  # a failed fit is retried; requests still report it
                log.exception("background refit failed")
            self.stop.wait(self.every)


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


def ranked_for_person(person_id: str, request: Request, session, k: int) -> Ranked:
    """The ``k`` best vacancies for a person: from this worker's memory, else from the
    table the workers share, else ranked now and kept in both."""
    # The key first, in one query; the person's data only when not kept.
    found = session.execute(
        select(
            Record.id,
            Record.content_hash,
            select(func.max(OccupationCorrection.id))
            .where(OccupationCorrection.person_id == person_id)
            .scalar_subquery(),
            select(func.coalesce(func.max(Record.id), 0)).correlate(None).scalar_subquery(),
        ).where(Record.kind == "people", Record.key == person_id, Record.current)
    ).first()
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No person {person_id!r}.")
    record_id, content_hash, correction, data = found
    matcher = fitted_matcher(request, session, data)
    version, _, vacancies = request.app.state.matcher
    key = f"{version}:{record_id}:{content_hash}:{correction}:{k}"
    ranked = request.app.state.matches.get(key)
    if ranked is not None:
        return ranked
    stored = session.get(MatchResult, key)
    if stored is not None:
        ranked = Ranked(stored.named, stored.anonymous)
    else:
        record = session.get(Record, record_id)
        person = with_corrections(session, frame_from_json("people", [record.data]))
        person["skills_text"] = person["skills_text"].fillna("")
        table = matcher.rank_vacancies(person, top_k=k)
        table["full_name"] = record.data.get("full_name")
        matches = _rows(table, vacancies, lambda row: row)
        unnamed = [match.model_copy(update={"full_name": None}) for match in matches]
        ranked = Ranked(_MATCH_LIST.dump_json(matches), _MATCH_LIST.dump_json(unnamed))
        _share(session, key, person_id, version, ranked)
    request.app.state.matches.put(key, ranked)
    return ranked


def _share(session, key: str, person_id: str, version: int, ranked: Ranked) -> None:
    """Keep a ranking for the other workers; a worker that ranked the same key first wins."""
    values = {
        "key": key,
        "person_id": person_id,
        "vacancies_version": version,
        "named": ranked.named,
        "anonymous": ranked.anonymous,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(MatchResult).values(**values).on_conflict_do_nothing())


def _may_see_name(session, user, person_id: str) -> bool:
    return personal_filter(session, user)({"full_name": True, "person_id": person_id})["full_name"]


def matches_for_person(
    person_id: str, request: Request, session, user, k: int = 10
) -> list[MatchOut]:
    """The ranked vacancies as this user may see them (the name blanked for others)."""
    ranked = ranked_for_person(person_id, request, session, k)
    return ranked.matches(_may_see_name(session, user, person_id))


@router.get(
    "/people/{person_id}/matches",
    response_model=list[MatchOut],
    summary="Best vacancies for a person, with reasons",
)
async def person_matches(
    person_id: str, request: Request, bearer: BearerToken, k: TopK = 10
) -> Response:
    """Vacancies a person cannot take yet (a missing RFC, say) stay in the list with
    `eligible: false` and the blocker named."""
    # The busiest endpoint: sign-in, role, lookup and answer in one trip to a worker
    # thread (the usual dependencies would take four).
    token = token_of(request, bearer)
    return await run_in_threadpool(_answer_matches, person_id, request, token, k)


def _answer_matches(person_id: str, request: Request, token: str | None, k: int) -> Response:
    with transaction(request.app.state.sessions) as session:
        user = allowed(signed_in(session, token), WORKERS)
        ranked = ranked_for_person(person_id, request, session, k)
        # The JSON was written once with the ranking: answering is a lookup.
        body = ranked.named if _may_see_name(session, user, person_id) else ranked.anonymous
    return Response(body, media_type="application/json")


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
