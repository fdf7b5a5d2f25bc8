"""A synthetic past cohort, relocated and referred to vacancies, with simulated
outcomes: training data for the outcome model."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from ._dataset import Dataset
from ._scenario import VACANCIES_PER_FAMILY, synthetic_batch
from ._vocab import EDUCATION_LEVELS
from ._workers import working_members


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _simulate_outcomes(
    rng: np.random.Generator,
    people: pd.DataFrame,
    vacancies: pd.DataFrame,
    trade_isco: dict[str, str],
    as_of: dt.date,
) -> pd.DataFrame:
    """Past placements of working-age adults and whether each led to a job kept 90 days.

    The chance of being hired rises with how close the vacancy's ISCO group is to the
    person's real trade, meeting the education minimum and the documents asked, and
    speaking Spanish; the chance of staying 90 days with the same fit and the salary.
    Nationality and sex play no part. The weights are assumptions, not estimates.
    """
    adults = people[working_members(people)].reset_index(drop=True)
    adults = adults[rng.random(len(adults)) < 0.85].reset_index(drop=True)  # were referred
    isco = adults["person_id"].map(trade_isco).fillna("").to_numpy()
    by_major = {m: g.index.to_numpy() for m, g in vacancies.groupby(vacancies["isco"].str[:2])}
    chosen = rng.integers(len(vacancies), size=len(adults))
    # Half of referrals follow the caseworker's judgement of the person's trade.
    for i in np.flatnonzero(rng.random(len(adults)) < 0.5):
        pool = by_major.get(isco[i][:2])
        if pool is not None:
            chosen[i] = pool[rng.integers(len(pool))]
    offer = vacancies.iloc[chosen].reset_index(drop=True)
    same_unit = isco == offer["isco"].to_numpy()
    same_major = np.char.equal(
        np.array([c[:2] for c in isco]), offer["isco"].str[:2].to_numpy().astype(str)
    )
    rank = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
    education_ok = (
        adults["education"].map(rank).to_numpy()
        >= offer["education_min"].map(lambda e: rank.get(e, 0)).to_numpy()
    )
    missing_docs = np.array(
        [
            not set(needed) <= set(held)
            for needed, held in zip(offer["requires"], adults["documents"], strict=True)
        ]
    )
    spanish = adults["languages"].map(lambda langs: "es" in langs).to_numpy()
    years = np.minimum(adults["work_experience_years"].to_numpy(), 10)
    health = adults["health_needs"].map(lambda n: bool({"chronic", "disability"} & set(n)))
    hire = _sigmoid(
        -1.2
        + 1.6 * same_unit
        + 0.9 * (same_major & ~same_unit)
        + 0.6 * education_ok
        - 1.3 * missing_docs
        + 0.7 * spanish
        + 0.06 * years
        - 0.3 * health.to_numpy()
    )
    salary = offer["salary_mxn_month"].to_numpy()
    stay = _sigmoid(0.3 + 0.9 * same_unit + 0.4 * same_major + 0.8 * (salary - 11000) / 4000)
    hired = rng.random(len(adults)) < hire
    kept = hired & (rng.random(len(adults)) < stay)
    placed = [as_of - dt.timedelta(days=int(d)) for d in rng.integers(100, 365, len(adults))]
    return pd.DataFrame(
        {
            "person_id": adults["person_id"],
            "vacancy_id": offer["vacancy_id"],
            "city": offer["city"],
            "placed_at": placed,
            "hired": hired,
            "employed_90d": kept,
        }
    )


def generate_history(
    families: int = 2000, seed: int = 0, as_of: dt.date = dt.date(2026, 11, 2)
) -> Dataset:
    """A past cohort, relocated and referred to vacancies, with simulated outcomes.

    Returns the cohort's tables (ids prefixed with H, so they never collide with a
    current batch) with its outcomes table: person_id, vacancy_id, city, placed_at,
    hired, employed_90d. This is training data for the outcome model; see
    ``_simulate_outcomes`` for what drives success.
    """
    rng = np.random.default_rng([seed, 2016])  # a stream of its own, apart from batches
    vacancies = round(VACANCIES_PER_FAMILY * families)
    cohort, trade_isco = synthetic_batch(rng, families, vacancies, 1.0, as_of, prefix="H")
    outcomes = _simulate_outcomes(rng, cohort.people, cohort.vacancies, trade_isco, as_of)
    return replace(cohort, outcomes=outcomes)
