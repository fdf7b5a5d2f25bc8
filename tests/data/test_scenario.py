"""The synthetic Mexico scenario: deterministic, valid, and shaped like the programme."""

import pandas as pd
import pytest

from arraigo.data import generate_scenario, load_dataset, read_reference
from arraigo.data._cells import isco_codes
from arraigo.data._reference import reference_destinations

PROGRAMME_CITIES = {
    "Saltillo",
    "Monterrey",
    "Guadalajara",
    "Querétaro",
    "San Luis Potosí",
    "Aguascalientes",
    "León",
    "Irapuato",
    "Silao",
    "Puebla",
    "Torreón",
}


@pytest.fixture(scope="module")
def scenario():
    return generate_scenario(families=600, seed=11)


def _same(a, b):
    for kind in ("people", "families", "destinations", "vacancies"):
        pd.testing.assert_frame_equal(getattr(a, kind), getattr(b, kind))


def test_same_seed_gives_the_same_scenario(scenario):
    _same(scenario, generate_scenario(families=600, seed=11))


def test_another_seed_gives_another_scenario(scenario):
    other = generate_scenario(families=600, seed=12)
    assert not scenario.people["skills_text"].equals(other.people["skills_text"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_written_scenario_validates_and_reads_back_identical(tmp_path, suffix):
    dataset = generate_scenario(families=40, seed=3)
    dataset.write(tmp_path, suffix=suffix)
    loaded = load_dataset(tmp_path, require=("people", "families", "destinations", "vacancies"))
    # Text files lose the difference between an integer and a float column; compare values.
    for kind in ("people", "families", "destinations", "vacancies"):
        want, got = getattr(dataset, kind), getattr(loaded, kind)
        assert list(got.columns) == list(want.columns)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_destinations_cover_the_programme_cities_with_real_states(scenario):
    cities = scenario.destinations.set_index("city")
    assert set(cities.index) >= PROGRAMME_CITIES
    assert cities.loc["Saltillo", "state"] == "Coahuila"
    assert cities.loc["León", "state"] == "Guanajuato"
    assert cities["lat"].between(14, 33).all()  # Mexico's latitudes
    # Capacity follows city size: Monterrey has more housing than Silao.
    assert cities.loc["Monterrey", "cap_housing_units"] > cities.loc["Silao", "cap_housing_units"]


def test_capacity_is_tight(scenario):
    demand = scenario.family_use().sum()
    capacity = scenario.capacity().sum()
    assert (capacity < demand).all()


def test_families_and_nationalities_look_like_the_applicants(scenario):
    people, families = scenario.people, scenario.families
    assert 2.8 <= len(people) / len(families) <= 3.8
    share = people["nationality"].value_counts(normalize=True)
    assert share.index[0] in {"HND", "HTI"}
    assert share["HTI"] > share["CUB"] > share["SLV"]
    assert set(families["origin"]) <= {
        "Tapachula",
        "Palenque",
        "Tenosique",
        "Villahermosa",
        "Acayucan",
    }
    assert families["origin"].value_counts().index[0] == "Tapachula"
    # Every family has an adult; no family is split across people and families.
    adults = people[people["age"] >= 18].groupby("family_id").size()
    assert set(adults.index) == set(families["family_id"])


def test_skills_are_written_in_the_persons_language(scenario):
    people = scenario.people
    haitians = people[(people["nationality"] == "HTI") & (people["skills_text"] != "")]
    creole = haitians["skills_text"].str.contains(r"\bMwen\b")
    assert creole.mean() > 0.3
    assert haitians.loc[creole, "languages"].map(lambda langs: "ht" in langs).all()
    hondurans = people[(people["nationality"] == "HND") & (people["age"] >= 18)]
    assert not hondurans["skills_text"].str.contains(r"\bMwen\b").any()


def test_vacancies_read_like_sne_postings(scenario):
    vacancies = scenario.vacancies
    assert vacancies["description"].str.contains("Sueldo: \\$").all()
    assert vacancies["positions"].ge(1).all()
    assert set(vacancies["isco"]) <= isco_codes()
    saltillo = vacancies[vacancies["city"] == "Saltillo"]
    assert (saltillo["isco"].str.startswith("72") | saltillo["isco"].str.startswith("82")).any()
    leon = vacancies[vacancies["city"] == "León"]["title"]
    assert leon.str.contains("calzado|piel", case=False).any()


def test_every_destination_in_reference_is_generated(scenario):
    assert len(scenario.destinations) == len(reference_destinations()) >= 20


def test_reference_isco_codes_are_used_by_esco_occupations():
    esco = set(read_reference("esco_occupations.csv.gz")["isco"])
    assert set(read_reference("trades.csv")["isco"]) <= esco
    assert set(read_reference("vacancy_templates.csv")["isco"]) <= esco


def test_history_has_outcomes_that_validate_and_depend_on_the_fit(tmp_path):
    from arraigo.data import generate_history

    history = generate_history(families=600, seed=4)
    history.write(tmp_path)
    loaded = load_dataset(tmp_path, require=("people", "vacancies", "outcomes"))
    outcomes = loaded.outcomes
    assert outcomes["person_id"].str.startswith("HP").all()  # never a current batch's id
    assert not (outcomes["employed_90d"] & ~outcomes["hired"]).any()
    people = loaded.people.set_index("person_id")
    assert people.loc[outcomes["person_id"], "age"].between(18, 64).all()
    # Lacking a document the employer asks for lowers the chance of a job kept 90 days.
    requires = outcomes["vacancy_id"].map(loaded.vacancies.set_index("vacancy_id")["requires"])
    held = outcomes["person_id"].map(people["documents"])
    missing = [not set(r) <= set(h) for r, h in zip(requires, held, strict=True)]
    kept = outcomes["employed_90d"].groupby(missing).mean()
    assert kept[True] < kept[False] - 0.1


def test_a_later_weeks_batch_gets_ids_that_never_collide():
    first = generate_scenario(20, seed=1)
    later = generate_scenario(20, seed=2, id_prefix="W2-")
    for kind, key in (("people", "person_id"), ("families", "family_id")):
        ids = getattr(later, kind)[key]
        assert ids.str.startswith("W2-").all()
        assert not set(ids) & set(getattr(first, kind)[key])
    assert later.vacancies["vacancy_id"].str.startswith("W2-V").all()
    assert set(later.people["family_id"]) == set(later.families["family_id"])
