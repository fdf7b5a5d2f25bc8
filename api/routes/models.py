"""Outcome model versions: retrain on recorded outcomes, list versions and their quality."""

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from .._audit import audit
from .._deps import SessionDep, Staff
from .._models import OutcomeModel
from .._outcomes import train
from .._schemas import ModelOut
from .._scoring import matcher_for

router = APIRouter(prefix="/api/v1/models", tags=["outcome model"])


def _out(model: OutcomeModel) -> ModelOut:
    return ModelOut(
        version=model.version,
        active=model.active,
        created_by=model.created_by,
        created_at=model.created_at,
        metrics=model.metrics,
    )


@router.get("", response_model=list[ModelOut], summary="Outcome model versions")
def list_models(session: SessionDep, user: Staff) -> list[ModelOut]:
    rows = session.scalars(select(OutcomeModel).order_by(OutcomeModel.version.desc()))
    return [_out(m) for m in rows]


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
    try:
        model = train(session, matcher_for, user)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    audit(
        session,
        user,
        "model_retrain",
        "outcome_model",
        model.version,
        pairs=model.metrics.get("pairs"),
        brier=model.metrics.get("brier"),
    )
    return _out(model)
