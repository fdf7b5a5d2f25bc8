"""Candidate search: find a person and see their best vacancies, or pick a vacancy and
see the best people for it."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from arraigo.data import fold

from ..deps import MatchingDep, SessionDep
from ..services import records
from .render import Workers, attempt, language, page_router, render

router = page_router()


@router.get("/candidates", response_class=HTMLResponse)
def candidates_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    matching: MatchingDep,
    q: str = "",
    person_id: str | None = None,
    vacancy_id: str | None = None,
):
    people = records.list_people(session, user, limit=1000).items
    found = []
    if q.strip():
        needle = fold(q.strip())
        found = [
            p for p in people if needle in fold(p.person_id) or needle in fold(p.full_name or "")
        ][:25]
    lang = language(request)  # reasons in the reader's language
    person, person_matches, vacancy_matches, error = None, None, None, None
    if person_id:
        person, error = attempt(session, lambda: records.get_person(session, user, person_id))
        if person is not None:
            person_matches, error = attempt(
                session, lambda: matching.matches_for_person(session, user, person_id, 10, lang)
            )
    vacancies = records.list_vacancies(session, limit=1000).items
    if vacancy_id:
        vacancy_matches, error = attempt(
            session, lambda: matching.candidates_for_vacancy(session, user, vacancy_id, 10, lang)
        )
    return render(
        request,
        "candidates.html",
        user,
        q=q,
        found=found,
        person=person,
        person_matches=person_matches,
        vacancy_id=vacancy_id,
        vacancy=next((v for v in vacancies if v.vacancy_id == vacancy_id), None),
        vacancies=vacancies,
        vacancy_matches=vacancy_matches,
        error=error,
    )
