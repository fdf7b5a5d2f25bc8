"""Candidate search: find a person among everyone stored and see their best vacancies,
or find a vacancy and see the best people for it. Both searches run in the services
over every record, a page at a time."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..deps import MatchingDep, SessionDep
from ..services import records
from .paging import Size, Start, pager
from .render import Workers, attempt, language, page_router, render

router = page_router()
FOUND_PER_PAGE = 20
CANDIDATES = (10, 25, 50, 100)  # how many candidates a vacancy shows
# How long a page waits for matching to be ready (after an import the vacancies are
# fitted and the people read: minutes at the programme's scale) before it says so.
PREPARE_WAIT = 2.0


@router.get("/candidates", response_class=HTMLResponse)
def candidates_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    matching: MatchingDep,
    q: str = "",
    person_id: str | None = None,
    vacancy_id: str | None = None,
    vq: str = "",
    city: str = "",
    offset: Start = 0,
    voffset: Start = 0,
    limit: Size = FOUND_PER_PAGE,
    k: int = CANDIDATES[0],
):
    found = people_pager = None
    if q.strip():
        found = records.list_people(session, user, limit=limit, offset=offset, q=q)
        people_pager = pager("/candidates", offset, limit, found.total, q=q)
    lang = language(request)  # reasons in the reader's language
    person, person_matches, vacancy_matches, error = None, None, None, None
    preparing = bool(person_id or vacancy_id) and not matching.prepare(
        request.app.state.sessions, PREPARE_WAIT
    )
    if person_id:
        person, error = attempt(session, lambda: records.get_person(session, user, person_id))
        if person is not None and not preparing:
            person_matches, error = attempt(
                session, lambda: matching.matches_for_person(session, user, person_id, 10, lang)
            )
    vacancies = vacancy_pager = None
    if vq.strip() or city:
        vacancies = records.list_vacancies(session, city or None, limit=limit, offset=voffset, q=vq)
        vacancy_pager = pager(
            "/candidates", voffset, limit, vacancies.total, key="voffset", vq=vq, city=city
        )
    vacancy, k = None, k if k in CANDIDATES else CANDIDATES[0]
    if vacancy_id:
        vacancy, error = attempt(session, lambda: records.get_vacancy(session, vacancy_id))
    if vacancy is not None and not preparing:
        vacancy_matches, error = attempt(
            session,
            lambda: matching.candidates_for_vacancy(session, user, vacancy_id, k, lang),
        )
    return render(
        request,
        "candidates.html",
        user,
        q=q,
        found=found,
        people_pager=people_pager,
        person=person,
        person_matches=person_matches,
        vacancy_id=vacancy_id,
        vacancy=vacancy,
        vacancies=vacancies,
        vacancy_pager=vacancy_pager,
        vq=vq,
        city=city,
        cities=[d.city for d in records.list_destinations(session)],
        vacancy_matches=vacancy_matches,
        k=k,
        more=[n for n in CANDIDATES if n > k],
        preparing=preparing,
        error=error,
    )
