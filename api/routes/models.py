"""Outcome model versions: retrain on recorded outcomes, list versions and their quality."""

from fastapi import APIRouter

from ..deps import SessionDep, Staff
from ..schemas import ModelOut
from ..services import outcomes

router = APIRouter(prefix="/api/v1/models", tags=["outcome model"])


@router.get("", response_model=list[ModelOut], summary="Outcome model versions")
def list_models(session: SessionDep, user: Staff) -> list[ModelOut]:
    return outcomes.list_models(session)


@router.post(
    "/retrain",
    response_model=ModelOut,
    status_code=201,
    summary="Train a new version on every recorded outcome",
)
def retrain(session: SessionDep, user: Staff) -> ModelOut:
    """Learns P(hired and still employed at 90 days) from imported outcomes and the
    placements whose result is known. Nationality and sex are never features; the
    response reports calibration and error per group on held-out outcomes. The new
    version is used by later plans."""
    return outcomes.retrain(session, user)
