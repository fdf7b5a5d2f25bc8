"""Eligibility of person–vacancy pairs: education minimum, required documents, language.

Education and documents are hard rules: a pair that breaks one is kept, marked
ineligible and explained ("necesita RFC"), never silently dropped. Language is soft:
postings are in Spanish, so a person with no Spanish gets a lower factor.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from arraigo.data import DOCUMENTS, EDUCATION_LEVELS

from ._text import SPANISH, as_items, column, speaks

# Factor applied to a pair's relevance when the person shows no Spanish: a documented
# default, not learned (interpreters and co-workers often bridge the gap at hiring).
NO_SPANISH_FACTOR = 0.8

_UNKNOWN = -1


@dataclass(frozen=True)
class PeopleFacts:
    """What eligibility needs of each person, as arrays aligned with the people table."""

    education: np.ndarray  # index in EDUCATION_LEVELS, -1 when unknown
    documents: np.ndarray  # bitmask over DOCUMENTS, -1 when the column is absent
    spanish: np.ndarray  # 1.0 speaks Spanish or unknown, NO_SPANISH_FACTOR otherwise


@dataclass(frozen=True)
class VacancyFacts:
    education_min: np.ndarray  # index in EDUCATION_LEVELS, -1 when none asked
    requires: np.ndarray  # bitmask over DOCUMENTS


def _levels(values: pd.Series) -> np.ndarray:
    order = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
    return values.map(lambda v: order.get(str(v).strip().lower(), _UNKNOWN)).to_numpy(np.int64)


def _mask(values: pd.Series) -> np.ndarray:
    bit = {doc: 1 << i for i, doc in enumerate(DOCUMENTS)}
    return values.map(lambda v: sum(bit.get(d, 0) for d in set(as_items(v)))).to_numpy(np.int64)


def people_facts(people: pd.DataFrame) -> PeopleFacts:
    documents = (
        _mask(people["documents"])
        if "documents" in people.columns
        else np.full(len(people), _UNKNOWN, dtype=np.int64)
    )
    languages = column(people, "languages")
    unknown = languages.map(as_items).map(len).eq(0).to_numpy()
    factor = np.where(unknown | speaks(languages, SPANISH), 1.0, NO_SPANISH_FACTOR)
    return PeopleFacts(_levels(column(people, "education")), documents, factor)


def vacancy_facts(vacancies: pd.DataFrame) -> VacancyFacts:
    return VacancyFacts(
        _levels(column(vacancies, "education_min")), _mask(column(vacancies, "requires"))
    )


def check_pairs(
    people: PeopleFacts, vacancies: VacancyFacts, person: np.ndarray, vacancy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For pairs ``(person[i], vacancy[i])``: (eligibility factor, education short, missing docs).

    The factor is the language factor, or 0 when a hard rule fails; ``missing docs``
    is a bitmask over DOCUMENTS (0 when the person's documents are unknown).
    """
    level, needed = people.education[person], vacancies.education_min[vacancy]
    education_short = (level != _UNKNOWN) & (needed != _UNKNOWN) & (level < needed)
    held = people.documents[person]
    missing = np.where(held == _UNKNOWN, 0, vacancies.requires[vacancy] & ~held)
    factor = np.where(education_short | (missing != 0), 0.0, people.spanish[person])
    return factor, education_short, missing
