"""Matching: the best vacancies for a person and the best people for a vacancy."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from ..db import transaction
from ..deps import (
    BearerToken,
    MatchingDep,
    SessionDep,
    StaffOrOfficer,
    allowed,
    signed_in,
)
from ..schemas import MatchOut
from ..vocab import CASEWORKERS

router = APIRouter(prefix="/api/v1", tags=["matching"])

TopK = Annotated[int, Query(ge=1, le=100, description="How many to return.")]
Lang = Annotated[
    Literal["es", "en"] | None,
    Query(description="Language of the reasons (default: the service's ARRAIGO_LANG)."),
]


@router.get(
    "/people/{person_id}/matches",
    response_model=list[MatchOut],
    summary="Best vacancies for a person, with reasons",
)
async def person_matches(
    person_id: str, request: Request, bearer: BearerToken, k: TopK = 10, lang: Lang = None
) -> Response:
    """Vacancies a person cannot take yet (a missing RFC, say) stay in the list with
    `eligible: false` and the blocker named."""
    # The busiest endpoint: sign-in, role, lookup and answer in one trip to a worker
    # thread (the usual dependencies would take four).
    lang = lang or request.app.state.settings.lang
    return await run_in_threadpool(_answer_matches, person_id, request, bearer, k, lang)


def _answer_matches(
    person_id: str, request: Request, token: str | None, k: int, lang: str
) -> Response:
    with transaction(request.app.state.sessions) as session:
        user = allowed(signed_in(session, token), CASEWORKERS)
        body = request.app.state.matching.person_matches_json(session, user, person_id, k, lang)
    return Response(body, media_type="application/json")


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response_model=list[MatchOut],
    summary="Best people for a vacancy, with reasons",
)
def vacancy_candidates(
    vacancy_id: str,
    request: Request,
    session: SessionDep,
    user: StaffOrOfficer,
    matching: MatchingDep,
    k: TopK = 10,
    lang: Lang = None,
) -> list[MatchOut]:
    """Working-age people only (18 to 64); names only for roles that may see them."""
    lang = lang or request.app.state.settings.lang
    return matching.candidates_for_vacancy(session, user, vacancy_id, k, lang)
