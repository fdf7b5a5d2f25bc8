"""Gaps as ESCO skills: what a posting asks for, checked against profiles in Spanish,
French, Haitian Creole and English alike."""

import pandas as pd
import pytest

from arraigo.matching import Matcher
from arraigo.matching._skills import default_skill_index, stems

from .test_matcher import VACANCIES

# One welder, one cook, each in four languages; V1 asks for "soldar metales".
PROFILES = pd.DataFrame(
    {
        "person_id": ["es", "fr", "ht", "en", "es-cook", "fr-cook", "ht-cook", "en-cook"],
        "skills_text": [
            "Soldador de estructuras metálicas",
            "Soudeur de structures métalliques",
            "Mwen se soudè, mwen travay 6 lane nan yon faktori",
            "Welder of steel structures",
            "Cocinero en un restaurante",
            "Cuisinier dans un restaurant",
            "Mwen se kizinye nan yon restoran",
            "Cook in a restaurant",
        ],
        "languages": ["es", "fr", "ht;fr", "en", "es", "fr", "ht;fr", "en"],
    }
)


def test_word_forms_meet_through_the_light_stemmer():
    assert stems("Soldadura") == stems("soldar") == stems("soldador")
    assert stems("reparación de motores") == stems("reparar motores")
    assert stems("de la para con") == frozenset()


def test_a_posting_is_linked_to_the_esco_skills_its_words_name():
    asked = default_skill_index().asked("Plomero. Instalación de tuberías, reparación de fugas.")
    assert "reparar tuberías" in [label for _, label in asked]
    assert default_skill_index().asked("Ayudante de piso, caja y mercancía") == []


@pytest.fixture(scope="module")
def gaps(encoder, taxonomy) -> pd.Series:
    matcher = Matcher(encoder=encoder, taxonomy=taxonomy).fit(VACANCIES)
    pairs = pd.DataFrame({"person_id": PROFILES["person_id"], "vacancy_id": "V1"})
    ranked = matcher.rank_vacancies(PROFILES, top_k=len(VACANCIES))
    return (
        ranked.set_index(["person_id", "vacancy_id"])
        .loc[list(pairs.itertuples(index=False, name=None)), "gaps"]
        .droplevel(1)
    )


@pytest.mark.parametrize("lang", ["es", "fr", "ht", "en"])
def test_a_welder_in_any_language_is_not_told_they_lack_welding(gaps, lang):
    assert gaps[lang] == ""


@pytest.mark.parametrize("lang", ["es", "fr", "ht", "en"])
def test_a_cook_in_any_language_is_told_the_welding_job_asks_for_welding(gaps, lang):
    assert gaps[f"{lang}-cook"] == "soldar metales"
