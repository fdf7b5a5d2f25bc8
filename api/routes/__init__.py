"""The JSON API: one thin router per resource (parse, authorise, call a service, shape
the answer)."""

from fastapi import APIRouter

from . import (
    audit,
    auth,
    docs,
    health,
    imports,
    matching,
    models,
    monitoring,
    placements,
    plans,
    records,
    users,
)

router = APIRouter()
for resource in (
    health,
    docs,
    auth,
    users,
    imports,
    records,
    matching,
    plans,
    placements,
    models,
    monitoring,
    audit,
):
    router.include_router(resource.router)
