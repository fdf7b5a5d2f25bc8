"""The unit group learned from hand-labelled profiles: what people write and ESCO's titles
do not say (a small boat on the coast, food sold in the street, dishes washed) decides
between unit groups the titles leave close."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arraigo.data import read_reference
from arraigo.matching import Matcher, TaxonomyNormaliser, esco_labels, load_esco_occupations
from arraigo.matching._learned import labelled_profiles

from .conftest import TEST_EMBED_KINDS

GROUPS = ("6222", "6223", "9412", "5120", "5211", "5212", "5223", "8321", "8322", "9111")
VACANCIES = pd.DataFrame(
    {
        "vacancy_id": ["V1", "V2"],
        "title": ["Ayudante de cocina", "Pescador"],
        "description": ["Lavado de loza y limpieza de cocina", "Pesca ribereña con red"],
        "city": ["León", "Veracruz"],
        "positions": [2, 1],
        "isco": ["9412", "6222"],
    }
)
# Written for this test: none of them is a labelled profile.
PEOPLE = pd.DataFrame(
    {
        "person_id": ["es-fisher", "es-street-food", "ht-dishwasher"],
        "skills_text": [
            "pescaba con mi lancha y atarraya cerca de la costa",
            "vendia tortillas y tamales en la calle",
            "m te konn lave vèsèl nan yon restoran",
        ],
        "languages": ["es", "es", "ht"],
    }
)


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    occupations = load_esco_occupations()
    return esco_labels(occupations[occupations["isco"].isin(GROUPS)])


def _first_groups(encoder, labels, learn: bool) -> list[int]:
    taxonomy = TaxonomyNormaliser(
        encoder=encoder, embed_kinds=TEST_EMBED_KINDS, learn_from_profiles=learn
    ).fit(labels)
    profiles = Matcher(encoder=encoder, taxonomy=taxonomy).fit(VACANCIES).read_people(PEOPLE)
    return profiles.occ_isco[:, 0].tolist()


def test_profiles_are_read_as_hand_labelled_profiles_like_them_were_coded(encoder, labels):
    # The titles alone: a fisherman is a deep-sea one, a street seller a shop
    # assistant, a dishwasher in a kitchen a cook.
    assert _first_groups(encoder, labels, learn=False) == [6223, 5223, 5120]
    assert _first_groups(encoder, labels, learn=True) == [6222, 5212, 9412]


def test_only_the_taxonomys_unit_groups_are_learned_and_a_lexical_taxonomy_learns_none(
    encoder, labels
):
    taxonomy = TaxonomyNormaliser(encoder=encoder, embed_kinds=TEST_EMBED_KINDS).fit(labels)
    learned = set(taxonomy.learned_classes_)
    assert learned <= {int(g) for g in GROUPS} and {6222, 5212, 9412} <= learned
    probabilities, classes = taxonomy.learned_groups(["soy pescador de bajura"])
    assert probabilities.shape == (1, len(learned))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert classes[probabilities.argmax()] == 6222
    lexical = TaxonomyNormaliser(encoder=None, embedding_weight=0.0).fit(labels)
    assert lexical.learned_groups(["soy pescador"]) is None


def test_the_labelled_profiles_are_coded_to_real_unit_groups_and_none_is_a_test_profile():
    profiles = labelled_profiles()
    codes = set(read_reference("isco_groups.csv")["code"])
    assert profiles["isco"].isin(codes).all() and profiles["isco"].str.len().eq(4).all()
    assert set(profiles["lang"]) == {"es", "fr", "en", "ht"}
    assert (profiles["text"].str.strip() != "").all()
    benchmarks = Path(__file__).parents[2] / "benchmarks" / "profiles"
    tests = pd.concat(
        pd.read_csv(path, comment="#", dtype=str) for path in benchmarks.glob("*.csv")
    )
    assert len(tests) > 0
    assert not set(tests["text"]) & set(profiles["text"])
