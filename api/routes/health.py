"""Health: the one endpoint that needs no sign-in."""

from importlib.metadata import version

from fastapi import APIRouter
from sqlalchemy import text

from ..deps import SessionDep
from ..schemas import Health

router = APIRouter(tags=["health"])
VERSION = version("arraigo")


@router.get("/health", response_model=Health, summary="Service and database are up")
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(version=VERSION)
