"""Outcome model versions: training data from recorded outcomes, retraining, loading.

Training pairs come from imported past outcomes (outcomes.csv) and from the service's
own placements once their result is known (kept 90 days, or not). Models are stored
through ``arraigo.matching`` (skops, trusted types only, never unpickled).
"""

import datetime as dt

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from arraigo.matching import (
    Matcher,
    OutcomeModel,
    dumps_outcome_model,
    loads_outcome_model,
    outcome_features,
    outcome_report,
    report_groups,
)

from ..db import OutcomeModelVersion, Placement, PlacementEvent, User, now
from ..schemas import ModelOut
from ..vocab import KEPT, PlacementStatus
from .audit import audit
from .errors import Conflict
from .matchers import matcher_for
from .store import current_frame, json_safe

# A placement with no job kept this many days after it was proposed counts as a failure.
UNKNOWN_UNTIL_DAYS = 180
MIN_PAIRS = 40


def training_pairs(session: Session, today: dt.date) -> pd.DataFrame:
    """(person_id, vacancy_id, y) with y = hired and still employed at 90 days."""
    frames = []
    outcomes = current_frame(session, "outcomes")
    if outcomes is not None:
        known = outcomes[outcomes["vacancy_id"].notna()]
        frames.append(
            pd.DataFrame(
                {
                    "person_id": known["person_id"],
                    "vacancy_id": known["vacancy_id"],
                    "y": known["employed_90d"].astype(bool),
                }
            )
        )
    rows = []
    for placement in session.scalars(select(Placement).where(Placement.vacancy_id.is_not(None))):
        events = session.scalars(
            select(PlacementEvent).where(PlacementEvent.placement_id == placement.id)
        ).all()
        statuses = {e.status for e in events}
        first = min((e.date for e in events), default=today)
        if statuses & KEPT[90]:
            rows.append((placement.person_id, placement.vacancy_id, True))
        elif PlacementStatus.left in statuses or (today - first).days > UNKNOWN_UNTIL_DAYS:
            rows.append((placement.person_id, placement.vacancy_id, False))
    if rows:
        frames.append(pd.DataFrame(rows, columns=["person_id", "vacancy_id", "y"]))
    if not frames:
        return pd.DataFrame(columns=["person_id", "vacancy_id", "y"])
    return pd.concat(frames, ignore_index=True).drop_duplicates(["person_id", "vacancy_id"])


def fit_outcome_model(
    matcher: Matcher,
    people: pd.DataFrame,
    vacancies: pd.DataFrame,
    pairs: pd.DataFrame,
    seed: int = 0,
) -> tuple[OutcomeModel, dict]:
    """Fit on ``pairs`` (person_id, vacancy_id, y); report on a held-out quarter.

    Returns the model refitted on every pair, and its held-out metrics: Brier score,
    log loss, ROC AUC, calibration bins, error per nationality, sex, first language and
    age band (never features), and the matcher weights learned. Refuses (Conflict) when
    outcomes are too few.
    """
    pairs = pairs[
        pairs["person_id"].isin(people["person_id"])
        & pairs["vacancy_id"].isin(vacancies["vacancy_id"])
    ]
    if len(pairs) < MIN_PAIRS or pairs["y"].nunique() < 2:
        raise Conflict(
            f"Se necesitan al menos {MIN_PAIRS} resultados con éxitos y fracasos "
            f"(hay {len(pairs)}) / at least {MIN_PAIRS} outcomes of both kinds are needed."
        )
    people = people.assign(skills_text=people["skills_text"].fillna(""))
    features = outcome_features(matcher, people, vacancies, pairs[["person_id", "vacancy_id"]])
    y = pairs["y"].astype(int).to_numpy()
    train_idx, test_idx = train_test_split(
        np.arange(len(y)), test_size=0.25, random_state=seed, stratify=y
    )
    model = OutcomeModel().fit(features.iloc[train_idx], y[train_idx])
    groups = report_groups(people.set_index("person_id").loc[features["person_id"]])
    report = outcome_report(model, features.iloc[test_idx], y[test_idx], groups.iloc[test_idx])
    metrics = {
        "pairs": len(y),
        "held_out": report.n,
        "base_rate": report.base_rate,
        "brier": report.brier,
        "log_loss": report.log_loss,
        "roc_auc": report.roc_auc,
        "weights": model.relevance_weights(),
        "calibration": report.calibration.to_dict("records"),
        "per_group": report.per_group.astype(object).to_dict("records"),
    }
    # Refit on every pair for use; the held-out report above says how well it does.
    return OutcomeModel().fit(features, y), json_safe(metrics)


def train(session: Session, user: User, seed: int = 0) -> OutcomeModelVersion:
    """Fit a new outcome model version on every known outcome; it becomes the active one.

    Refuses (Conflict) when there are too few outcomes, or only one kind of them.
    """
    people, vacancies = current_frame(session, "people"), current_frame(session, "vacancies")
    if people is None or vacancies is None:
        raise Conflict("No people or vacancies stored: nothing to learn from.")
    pairs = training_pairs(session, now().date())
    model, metrics = fit_outcome_model(matcher_for(vacancies), people, vacancies, pairs, seed)
    latest = session.scalar(
        select(OutcomeModelVersion.version).order_by(OutcomeModelVersion.version.desc())
    )
    session.execute(update(OutcomeModelVersion).values(active=False))
    stored = OutcomeModelVersion(
        version=(latest or 0) + 1,
        created_by=user.username,
        metrics=metrics,
        artifact=dumps_outcome_model(model),
        active=True,
    )
    session.add(stored)
    session.flush()
    return stored


def active_model(session: Session) -> tuple[int, OutcomeModel] | None:
    """The active model version and the model, loaded with trusted types only."""
    stored = session.scalar(select(OutcomeModelVersion).where(OutcomeModelVersion.active))
    if stored is None:
        return None
    return stored.version, loads_outcome_model(stored.artifact)


def model_out(model: OutcomeModelVersion) -> ModelOut:
    return ModelOut(
        version=model.version,
        active=model.active,
        created_by=model.created_by,
        created_at=model.created_at,
        metrics=model.metrics,
    )


def list_models(session: Session) -> list[ModelOut]:
    rows = session.scalars(select(OutcomeModelVersion).order_by(OutcomeModelVersion.version.desc()))
    return [model_out(m) for m in rows]


def retrain(session: Session, user: User) -> ModelOut:
    """Train a new version on every recorded outcome; logged with its quality."""
    model = train(session, user)
    audit(
        session,
        user,
        "model_retrain",
        "outcome_model",
        model.version,
        pairs=model.metrics.get("pairs"),
        brier=model.metrics.get("brier"),
    )
    return model_out(model)
