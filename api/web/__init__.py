"""Server-rendered pages for staff, employment officers and partners: one module per
page, each calling the same services the JSON API calls (so the rules on roles,
personal data, audit and validation live in one place) and turning their answers into
HTML. Spanish by default, English through the language switch."""

from fastapi import APIRouter

from . import (
    admin,
    candidates,
    cases,
    data,
    exports,
    monitoring,
    placements,
    plans,
    review,
    session,
    static,
)

router = APIRouter()
for page in (
    static,
    session,
    data,
    candidates,
    plans,
    placements,
    monitoring,
    cases,
    review,
    admin,
    exports,
):
    router.include_router(page.router)
