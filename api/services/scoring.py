"""Scores the planner maximises: how likely each member is to succeed in each vacancy.

Candidates come from the matching engine (its top vacancies per working-age member,
blocked pairs left out: a vacancy that needs an RFC the person lacks cannot be taken).
With a trained outcome model, a candidate's score is its P(hired and employed at 90
days) and the matcher uses the model's learned weights; before any model is trained
it is the matcher's hybrid score. The plan record says which in ``score_source``.
"""

from typing import NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import Dataset, working_members
from arraigo.matching import Matcher, OutcomeModel, outcome_features

from ..db import OccupationCorrection
from .matchers import matcher_for
from .outcomes import active_model

# Vacancies considered per member: enough for the plan to trade jobs between cities.
CANDIDATES_PER_MEMBER = 15


class Correction(NamedTuple):
    """The occupation staff confirmed for a person: an ISCO-08 unit group, and the ESCO
    occupation when staff named one (then the matcher uses that occupation itself)."""

    isco: str
    esco_id: str | None


def corrections(session: Session, person_ids: list[str] | None = None) -> dict[str, Correction]:
    """The latest occupation staff confirmed for each person (of ``person_ids``, when
    given)."""
    query = select(
        OccupationCorrection.person_id, OccupationCorrection.isco, OccupationCorrection.esco_id
    )
    if person_ids is not None:
        query = query.where(OccupationCorrection.person_id.in_(person_ids))
    return {
        person: Correction(isco, esco_id)
        for person, isco, esco_id in session.execute(query.order_by(OccupationCorrection.id))
    }


def with_corrections(session: Session, people: pd.DataFrame) -> pd.DataFrame:
    """People with the occupation staff corrected, which every matcher puts first: the
    ESCO occupation staff named (``occupation_esco``), else the first of its ISCO-08 unit
    group (``occupation_isco``). The one place that says what a correction means."""
    ids = people["person_id"].astype(str)
    found = corrections(session, ids.tolist() if len(ids) <= 500 else None)
    return people.assign(
        occupation_isco=ids.map({person: c.isco for person, c in found.items()}),
        occupation_esco=ids.map({person: c.esco_id for person, c in found.items()}),
    )


def in_expected_jobs(score_source: str | None) -> bool:
    """Whether scores from this source are a trained outcome model's probabilities (a
    plan's value and shadow prices are then expected jobs kept at 90 days; otherwise
    uncalibrated matching affinity)."""
    return str(score_source or "").startswith("outcome model")


def success_scores(
    matcher: Matcher,
    people: pd.DataFrame,
    vacancies: pd.DataFrame,
    model: tuple[int, OutcomeModel] | None = None,
    candidates: int = CANDIDATES_PER_MEMBER,
) -> tuple[pd.DataFrame | None, str]:
    """(person_id, vacancy_id, score) for working-age people over their best eligible
    vacancies, and where the scores come from (``model`` is (version, model))."""
    members = people[working_members(people)]
    if members.empty or vacancies is None or vacancies.empty:
        return None, "none: no working-age members or no vacancies"
    members = members.assign(skills_text=members["skills_text"].fillna(""))
    ranked = matcher.rank_vacancies(members, candidates)
    pairs = ranked.loc[ranked["eligible"].astype(bool), ["person_id", "vacancy_id", "score"]]
    pairs = pairs.reset_index(drop=True)
    if model is None:
        return pairs, "matching score (hybrid, uncalibrated; no outcome model trained yet)"
    version, estimator = model
    features = outcome_features(matcher, members, vacancies, pairs[["person_id", "vacancy_id"]])
    pairs["score"] = estimator.predict_proba(features)[:, 1]
    return pairs, f"outcome model v{version}: P(hired and employed at 90 days)"


def member_vacancy_scores(session: Session, dataset: Dataset) -> tuple[pd.DataFrame | None, str]:
    """Scores for a batch, from the service's active outcome model when there is one."""
    if dataset.vacancies is None or dataset.vacancies.empty:
        return None, "none: no vacancies in the batch"
    active = active_model(session)
    weights = active[1].relevance_weights() if active else None
    matcher = matcher_for(dataset.vacancies, weights)
    people = with_corrections(session, dataset.people)
    return success_scores(matcher, people, dataset.vacancies, active)
