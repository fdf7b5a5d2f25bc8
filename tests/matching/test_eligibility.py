import numpy as np
import pandas as pd

from arraigo.matching._eligibility import (
    NO_SPANISH_FACTOR,
    check_pairs,
    people_facts,
    vacancy_facts,
)
from arraigo.matching._reasons import blockers


def _check(person: dict, vacancy: dict):
    facts = check_pairs(
        people_facts(pd.DataFrame([person])),
        vacancy_facts(pd.DataFrame([vacancy])),
        np.array([0]),
        np.array([0]),
    )
    return [value[0] for value in facts]


def test_missing_rfc_blocks_and_is_named():
    factor, short, missing = _check(
        {"education": "secundaria", "documents": "constancia;curp", "languages": "es"},
        {"education_min": "primaria", "requires": "curp;rfc"},
    )
    assert factor == 0.0 and not short
    assert blockers(short, int(missing), 1) == ["necesita RFC"]


def test_education_below_the_minimum_blocks():
    factor, short, missing = _check(
        {"education": "primaria", "documents": ["curp", "rfc"]},
        {"education_min": "bachillerato", "requires": "curp"},
    )
    assert factor == 0.0 and short and missing == 0
    assert blockers(short, int(missing), 3) == ["pide escolaridad mínima bachillerato"]


def test_no_spanish_lowers_but_does_not_block():
    factor, short, missing = _check(
        {"education": "tecnico", "documents": "curp;rfc", "languages": "ht;fr"},
        {"education_min": "secundaria", "requires": "curp"},
    )
    assert factor == NO_SPANISH_FACTOR and not short and missing == 0


def test_unknown_facts_never_block():
    factor, short, missing = _check(
        {"person_id": "p"}, {"requires": "rfc", "education_min": "posgrado"}
    )
    assert factor == 1.0 and not short and missing == 0


def test_spanish_counts_in_either_iso_639_form():
    for languages in ("es", "spa;en", ["ht", "SPA"]):
        factor, _, _ = _check({"languages": languages}, {})
        assert factor == 1.0, languages
