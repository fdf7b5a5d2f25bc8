"""Derived use of resources per family, and the use_<resource> overrides."""

import pandas as pd

from arraigo.data import load_dataset
from arraigo.data._use import derive_use


def test_use_follows_ages_and_health_needs(good_dir):
    dataset = load_dataset(good_dir)
    use = dataset.family_use()
    # F1: parents 34 and 36 (one chronic), children 9 (primaria) and 4 (preescolar).
    assert use.loc["F1"].to_dict() == {
        "housing_units": 1,
        "school_preescolar": 1,
        "school_primaria": 1,
        "school_secundaria": 0,
        "school_bachillerato": 0,
        "health_slots": 1,
    }
    # F2: a pregnancy takes a health slot; a 6-year-old a primaria seat.
    assert use.loc["F2", "health_slots"] == 1
    assert use.loc["F2", "school_primaria"] == 1
    # F4: mental health alone takes no health slot.
    assert use.loc["F4", "health_slots"] == 0


def test_school_levels_follow_sep_age_bounds():
    ages = [2, 3, 5, 6, 11, 12, 14, 15, 17, 18]
    people = pd.DataFrame({"family_id": "F1", "age": ages, "health_needs": [()] * len(ages)})
    families = pd.DataFrame({"family_id": ["F1"]})
    use = derive_use(people, families).loc["F1"]
    assert use["school_preescolar"] == 2
    assert use["school_primaria"] == 2
    assert use["school_secundaria"] == 2
    assert use["school_bachillerato"] == 2


def test_use_override_replaces_derived_value_only_where_given(override_dir):
    use = load_dataset(override_dir).family_use()
    assert use.loc["F1", "housing_units"] == 2
    assert use.loc["F2", "housing_units"] == 1


def test_a_resource_the_user_adds_is_honoured(good_dir):
    destinations = good_dir / "destinations.csv"
    lines = destinations.read_text(encoding="utf-8").splitlines()
    extra = ["cap_shelter_beds", "10", "", "4"]
    destinations.write_text(
        "\n".join(f"{line},{value}" for line, value in zip(lines, extra, strict=True)),
        encoding="utf-8",
    )
    dataset = load_dataset(good_dir)
    assert dataset.resources[-1] == "shelter_beds"
    assert dataset.capacity().loc["Querétaro", "shelter_beds"] == 4
    use = dataset.family_use()
    assert use.loc["F1", "shelter_beds"] == 4  # one bed per member
    assert use.loc["F3", "shelter_beds"] == 1
