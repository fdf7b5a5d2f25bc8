"""The data contract's tables become an instance with every rule carried over."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arraigo.data import generate_scenario
from arraigo.optimizer import NO_CITY, SolveParams, instance_from_frames, make_plan


@pytest.fixture(scope="module")
def dataset():
    return generate_scenario(families=40, seed=3)


def test_capacity_use_and_vetoes_come_from_the_tables(dataset):
    instance = instance_from_frames(dataset)
    assert instance.resources == dataset.resources
    cap = dataset.capacity().to_numpy()
    np.testing.assert_array_equal(np.isinf(instance.capacity), np.isnan(cap))
    np.testing.assert_array_equal(instance.use, dataset.family_use().to_numpy())
    for f, excluded in enumerate(dataset.families["excluded_cities"]):
        names = set(instance.city_names[instance.excluded[f]])
        assert names == set(excluded) & set(instance.city_names)


def test_first_choice_gets_full_preference_and_later_ones_less(dataset):
    instance = instance_from_frames(dataset)
    for f, ranked in enumerate(dataset.families["preferred_cities"]):
        values = [instance.preference[f, list(instance.city_names).index(c)] for c in ranked]
        assert values == sorted(values, reverse=True)
        if ranked:
            assert values[0] == 1.0


def test_only_working_age_members_get_job_edges(dataset):
    people = dataset.people
    vacancy = dataset.vacancies["vacancy_id"].iloc[0]
    scores = pd.DataFrame({"person_id": people["person_id"], "vacancy_id": vacancy, "score": 0.5})
    instance = instance_from_frames(dataset, member_vacancy_scores=scores)
    ages = people["age"].to_numpy()[instance.edge_member]
    assert len(instance.edge_member) == ((people["age"] >= 18) & (people["age"] <= 64)).sum()
    assert ages.min() >= 18 and ages.max() <= 64


def test_score_file_replaces_model_scores_for_named_families_only(dataset):
    people, families = dataset.people, dataset.families
    vacancy = dataset.vacancies["vacancy_id"].iloc[0]
    adults = people[people["age"] >= 18]
    jobs = pd.DataFrame({"person_id": adults["person_id"], "vacancy_id": vacancy, "score": 0.5})
    named = families["family_id"].iloc[0]
    file = pd.DataFrame({"family_id": [named], "city": ["Saltillo"], "score": [0.9]})
    instance = instance_from_frames(dataset, member_vacancy_scores=jobs, family_city_scores=file)
    f = list(instance.family_ids).index(named)
    assert not instance.exact_scores
    assert instance.family_city_score[f].sum() == pytest.approx(0.9)
    assert f not in set(instance.member_family[instance.edge_member])
    assert len(instance.edge_member) > 0


def test_every_family_scored_by_file_switches_to_exact_sum(dataset):
    families = dataset.families
    rng = np.random.default_rng(0)
    file = pd.DataFrame(
        {
            "family_id": np.repeat(families["family_id"], 2),
            "city": np.tile(["Saltillo", "León"], len(families)),
            "score": rng.random(2 * len(families)).round(3),
        }
    )
    instance = instance_from_frames(dataset, family_city_scores=file)
    assert instance.exact_scores
    plan = make_plan(instance, params=SolveParams(time_limit=10))
    chosen = plan.solution.family_city != NO_CITY
    total = instance.family_city_score[chosen, plan.solution.family_city[chosen]].sum()
    assert plan.solution.objective == pytest.approx(total, abs=1e-9)


def test_locks_and_compatibility_vetoes_are_applied(dataset):
    fid = dataset.families["family_id"].iloc[1]
    forbidden = pd.DataFrame({"family_id": [fid], "city": ["Monterrey"]})
    instance = instance_from_frames(dataset, locks={fid: "León"}, forbidden=forbidden)
    f = list(instance.family_ids).index(fid)
    assert instance.excluded[f, list(instance.city_names).index("Monterrey")]
    assert instance.city_names[instance.locked_city[f]] == "León"
    with pytest.raises(ValueError, match="unknown"):
        instance_from_frames(dataset, locks={fid: "Atlantis"})


def test_member_city_scores_sum_over_working_members_of_the_family(dataset):
    people = dataset.people
    scores = pd.DataFrame({"person_id": people["person_id"], "city": "Saltillo", "score": 0.25})
    instance = instance_from_frames(dataset, member_city_scores=scores)
    saltillo = list(instance.city_names).index("Saltillo")
    working = people.assign(w=(people["age"] >= 18) & (people["age"] <= 64))
    expected = working.groupby("family_id")["w"].sum().reindex(instance.family_ids) * 0.25
    np.testing.assert_allclose(instance.family_city_score[:, saltillo], expected.to_numpy())
    assert instance.family_city_score.sum() == pytest.approx(expected.sum())


def test_intake_limit_for_an_unknown_city_is_named(dataset):
    from arraigo.optimizer import PlanOptions, build_formulation

    instance = instance_from_frames(dataset)
    with pytest.raises(ValueError, match="Atlantis"):
        build_formulation(instance, PlanOptions(intake_limit={"Atlantis": 3}))
