"""How many units of each resource a family uses in a destination.

The rules, documented in data/README.md: one housing unit per family; one school seat
per child by SEP level and age; one health slot per member with a chronic illness, a
disability or a pregnancy; shelter beds one per member; psychosocial slots one per
member with a mental health need; any other resource one per member. A family's
``use_<resource>`` value, where given, replaces the derived one.
"""

import numpy as np
import pandas as pd

from ._vocab import HEALTH_SLOT_NEEDS, SCHOOL_LEVELS, STANDARD_RESOURCES, USE_PREFIX

# What the rules read: of each person these columns, of each family its id and its
# ``use_<resource>`` overrides (so a caller may load only these).
USE_PEOPLE_COLUMNS = ("family_id", "age", "health_needs")


def use_family_columns(resources: tuple[str, ...]) -> tuple[str, ...]:
    """The families' columns the rules read for these resources."""
    return ("family_id", *(USE_PREFIX + resource for resource in resources))


def _member_counts(people: pd.DataFrame, resources: tuple[str, ...]) -> pd.DataFrame:
    """Per person, how many units of each resource they need (0 or 1)."""
    age = people["age"].to_numpy()
    needs = people["health_needs"]
    per_person = {}
    for resource in resources:
        level = next((lv for lv in SCHOOL_LEVELS if lv[0] == resource), None)
        if resource == "housing_units":
            continue  # per family, not per person
        if level is not None:
            per_person[resource] = (age >= level[1]) & (age <= level[2])
        elif resource == "health_slots":
            per_person[resource] = needs.map(lambda n: not HEALTH_SLOT_NEEDS.isdisjoint(n))
        elif resource == "psychosocial_slots":
            per_person[resource] = needs.map(lambda n: "mental_health" in n)
        else:  # shelter_beds and any resource the user adds: one per member
            per_person[resource] = np.ones(len(people), dtype=bool)
    counts = pd.DataFrame(per_person, index=people.index).astype(float)
    counts["family_id"] = people["family_id"].to_numpy()
    return counts


def derive_use(
    people: pd.DataFrame, families: pd.DataFrame, resources: tuple[str, ...] = STANDARD_RESOURCES
) -> pd.DataFrame:
    """Units of each resource per family: rows family_id (families' order), columns resources."""
    counts = _member_counts(people, resources).groupby("family_id").sum()
    use = counts.reindex(families["family_id"]).fillna(0.0)
    if "housing_units" in resources:
        use["housing_units"] = 1.0
    use = use.reindex(columns=list(resources), fill_value=0.0)
    for resource in resources:
        column = USE_PREFIX + resource
        if column in families:
            given = pd.to_numeric(families[column], errors="coerce").to_numpy()
            use[resource] = np.where(np.isnan(given), use[resource].to_numpy(), given)
    use.index.name = "family_id"
    return use
