"""Matching in the service: the best vacancies for a person and the best people for a
vacancy, as each user may see them.

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
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import TypeAdapter
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from arraigo.data import working_members
from arraigo.matching import Matcher

from ..db import AuditEntry, MatchResult, OccupationCorrection, Record, User, transaction
from ..schemas import MatchOut
from .errors import Conflict, NotFound
from .matchers import matcher_for
from .privacy import match_filter, may_see_name
from .scoring import with_corrections
from .store import clean, current_frame, data_version, frame_from_json

log = logging.getLogger(__name__)
REFIT_EVERY = 5.0  # seconds between checks for changed vacancies

_MATCH_LIST = TypeAdapter(list[MatchOut])


@dataclass(frozen=True)
class Ranked:
    """A person's ranked vacancies, and their JSON with and without the person's name."""

    named: bytes
    anonymous: bytes

    def matches(self, named: bool) -> list[MatchOut]:
        return _MATCH_LIST.validate_json(self.named if named else self.anonymous)


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


@dataclass(frozen=True)
class Fitted:
    """The matcher fitted on one version of the vacancies, and those vacancies by id."""

    version: int
    matcher: Matcher
    vacancies: pd.DataFrame


@dataclass(frozen=True)
class Pool:
    """The working-age people of one version of the records, and their profiles as
    the matcher of ``key`` read them (None when nobody is of working age)."""

    key: tuple[Any, ...]
    people: pd.DataFrame | None
    profiles: Any


class MatchingService:
    """One per service process: its fitted matcher and the rankings it keeps."""

    def __init__(self, cache_size: int = 5_000) -> None:
        self.cache = MatchCache(cache_size)
        self.fitted: Fitted | None = None
        self._known_version: tuple[int, int] | None = None
        self._fit_lock = threading.Lock()
        self._pool: Pool | None = None
        self._pool_lock = threading.Lock()
        self._preparing: threading.Thread | None = None
        self._prepare_lock = threading.Lock()

    def vacancies_version(self, session: Session, version: int | None = None) -> int:
        """Grows whenever a vacancy record changes (looked up only when any record did;
        ``version`` is the data version when the caller already read it)."""
        version = data_version(session) if version is None else version
        known = self._known_version
        if known is not None and known[0] == version:
            return known[1]
        newest = session.scalar(select(func.max(Record.id)).where(Record.kind == "vacancies")) or 0
        self._known_version = (version, newest)
        return newest

    def refit(self, session: Session, version: int | None = None) -> Fitted | None:
        """The matcher for the current vacancies, fitted first if they changed (None when
        there are none). One fit at a time per process; the others wait for it."""
        version = self.vacancies_version(session, version)
        fitted = self.fitted
        if fitted is not None and fitted.version == version:
            return fitted
        with self._fit_lock:
            fitted = self.fitted
            if fitted is not None and fitted.version == version:
                return fitted
            vacancies = current_frame(session, "vacancies")
            if vacancies is None:
                return None
            # A posting re-imported with 0 positions is closed: nobody is matched to it.
            vacancies = vacancies[vacancies["positions"] > 0]
            fitted = Fitted(version, matcher_for(vacancies), vacancies.set_index("vacancy_id"))
            self.fitted = fitted
            # The fitted index is millions of long-lived objects: leave them out of the
            # garbage collector's full passes, which would otherwise pause every request.
            # Unfrozen and collected first, so the matcher this one replaces is freed.
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            # Rankings over vacancies that changed since are never asked for again.
            session.execute(delete(MatchResult).where(MatchResult.vacancies_version < version))
            return fitted

    def fitted_matcher(self, session: Session, version: int | None = None) -> Fitted:
        """The fitted matcher, or Conflict when no vacancies are stored."""
        fitted = self.refit(session, version)
        if fitted is None:
            raise Conflict("No vacancies stored yet.")
        return fitted

    def ranked_for_person(
        self, session: Session, person_id: str, k: int, lang: str = "es"
    ) -> Ranked:
        """The ``k`` best vacancies for a person, reasons in ``lang``: from this process's
        memory, else from the table the workers share, else ranked now and kept in both."""
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
            raise NotFound(f"No person {person_id!r}.")
        record_id, content_hash, correction, data = found
        fitted = self.fitted_matcher(session, data)
        key = f"{fitted.version}:{record_id}:{content_hash}:{correction}:{k}:{lang}"
        ranked = self.cache.get(key)
        if ranked is not None:
            return ranked
        stored = session.get(MatchResult, key)
        if stored is not None:
            ranked = Ranked(stored.named, stored.anonymous)
        else:
            record = session.get(Record, record_id)
            person = with_corrections(session, frame_from_json("people", [record.data]))
            person["skills_text"] = person["skills_text"].fillna("")
            table = fitted.matcher.rank_vacancies(person, top_k=k, lang=lang)
            table["full_name"] = record.data.get("full_name")
            matches = _rows(table, fitted.vacancies, lambda row: row)
            unnamed = [match.model_copy(update={"full_name": None}) for match in matches]
            ranked = Ranked(_MATCH_LIST.dump_json(matches), _MATCH_LIST.dump_json(unnamed))
            _share(session, key, person_id, fitted.version, ranked)
        self.cache.put(key, ranked)
        return ranked

    def person_matches_json(
        self, session: Session, user: User, person_id: str, k: int, lang: str = "es"
    ) -> bytes:
        """The ranked vacancies as JSON, written once with the ranking for users who may
        see the whole of them; as privacy.match_filter shows them for the others."""
        ranked = self.ranked_for_person(session, person_id, k, lang)
        if may_see_name(session, user, person_id):
            return ranked.named
        visible = match_filter(session, user)
        return _MATCH_LIST.dump_json([visible(m) for m in ranked.matches(named=False)])

    def matches_for_person(
        self, session: Session, user: User, person_id: str, k: int = 10, lang: str = "es"
    ) -> list[MatchOut]:
        """The ranked vacancies as this user may see them (privacy.match_filter), reasons
        in ``lang``."""
        ranked = self.ranked_for_person(session, person_id, k, lang)
        visible = match_filter(session, user)
        return [visible(m) for m in ranked.matches(may_see_name(session, user, person_id))]

    def candidate_pool(self, session: Session, fitted: Fitted) -> Pool:
        """Every working-age person as the fitted matcher reads them, kept while the
        records, the corrections and the matcher stay the same: reading 25,000 profiles
        takes seconds, ranking them for one vacancy a fraction of one."""
        key = (
            fitted.version,
            data_version(session),
            session.scalar(select(func.max(OccupationCorrection.id))),
            # An erasure rewrites records in place: their ids stay, the log moves on.
            session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.action == "erase")),
        )
        pool = self._pool
        if pool is not None and pool.key == key:
            return pool
        with self._pool_lock:
            pool = self._pool
            if pool is not None and pool.key == key:
                return pool
            people = current_frame(session, "people")
            if people is not None:
                people = people[working_members(people)]
            if people is None or people.empty:
                pool = Pool(key, None, None)
            else:
                people = with_corrections(session, people)
                people["skills_text"] = people["skills_text"].fillna("")
                pool = Pool(key, people, fitted.matcher.read_people(people))
            self._pool = pool
            return pool

    def prepare_now(self, sessions: sessionmaker[Session]) -> None:
        """Fit the matcher for the current vacancies and read the working-age people for
        it, if either changed (waiting for a fit or a read already under way). Each in a
        transaction of its own: the fit's clean-up of old rankings is committed before
        the people are read, so no other worker waits on it (SQLite's write lock)."""
        with transaction(sessions) as session:
            fitted = self.refit(session)
        if fitted is not None:
            with transaction(sessions) as session:
                self.candidate_pool(session, fitted)

    def prepare(self, sessions: sessionmaker[Session], wait: float) -> bool:
        """Whether matching is ready for the current records, waiting at most ``wait``
        seconds: the preparation runs in a thread of its own (one at a time), so after
        an import a page can say it is preparing instead of hanging for minutes."""
        with self._prepare_lock:
            thread = self._preparing
            if thread is None or not thread.is_alive():
                thread = threading.Thread(
                    target=_prepare, args=(self, sessions), name="arraigo-prepare", daemon=True
                )
                self._preparing = thread
                thread.start()
        thread.join(wait)
        return not thread.is_alive()

    def candidates_for_vacancy(
        self, session: Session, user: User, vacancy_id: str, k: int = 10, lang: str = "es"
    ) -> list[MatchOut]:
        """The ``k`` working-age people best suited to a vacancy, with reasons in ``lang``."""
        fitted = self.fitted_matcher(session)
        if vacancy_id not in fitted.vacancies.index:
            closed = current_frame(session, "vacancies")
            if closed is not None and vacancy_id in set(closed["vacancy_id"]):
                raise Conflict(f"The vacancy {vacancy_id!r} is closed (0 positions).")
            raise NotFound(f"No vacancy {vacancy_id!r}.")
        pool = self.candidate_pool(session, fitted)
        people = pool.people
        if people is None:
            return []
        table = fitted.matcher.rank_people(
            people, top_k=k, vacancy_ids=[vacancy_id], lang=lang, profiles=pool.profiles
        )
        names = people.set_index("person_id")["full_name"] if "full_name" in people else None
        table["full_name"] = table["person_id"].map(names) if names is not None else None
        visible = match_filter(session, user)
        return [visible(m) for m in _rows(table, fitted.vacancies, lambda row: row)]


class Refitter:
    """Refits a process's matcher in the background soon after the vacancies change (an
    import through any worker), and reads the people again when they change, so the
    first caseworker to ask does not wait for either."""

    def __init__(
        self, service: MatchingService, sessions: sessionmaker[Session], every: float | None = None
    ) -> None:
        self.service, self.sessions = service, sessions
        self.every = REFIT_EVERY if every is None else every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="arraigo-refit", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def shutdown(self) -> None:
        self.stop.set()
        self.thread.join(timeout=self.every + 1)

    def _run(self) -> None:
        while not self.stop.is_set():
            _prepare(self.service, self.sessions)  # people read too: no wait for candidates
            self.stop.wait(self.every)


def _prepare(service: MatchingService, sessions: sessionmaker[Session]) -> None:
    try:
        service.prepare_now(sessions)
    except Exception:  # a failed fit is retried; requests still report it
        log.exception("background refit failed")


def _split(value, separator: str) -> list[str]:
    if isinstance(value, list | tuple):
        return list(value)
    return [part for part in (value or "").split(separator) if part]


def _rows(
    table: pd.DataFrame,
    vacancies: pd.DataFrame,
    visible: Callable[[dict[str, Any]], dict[str, Any]],
) -> list[MatchOut]:
    out = []
    for row in map(clean, table.to_dict("records")):
        known = row["vacancy_id"] in vacancies.index
        vacancy = clean(vacancies.loc[row["vacancy_id"]].to_dict()) if known else {}
        person = visible({"person_id": row["person_id"], "full_name": row.get("full_name")})
        fields: dict[str, Any] = {k: v for k, v in row.items() if k in MatchOut.model_fields}
        # The matcher joins blockers and gaps with "; " for its CSV output.
        fields["blockers"] = _split(row.get("blockers"), "; ")
        fields["gaps"] = _split(row.get("gaps"), "; ")
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


def _share(session: Session, key: str, person_id: str, version: int, ranked: Ranked) -> None:
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
