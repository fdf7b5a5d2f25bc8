"""Summaries of a dataset that staff read before planning: who is waiting, where
there is room, where the work is."""

import pandas as pd

from ._dataset import Dataset
from ._vocab import WORKING_AGE


def city_summary(dataset: Dataset) -> pd.DataFrame:
    """Per destination: capacity of each resource, vacancies, positions and how many
    families name it as their first preference."""
    capacity = dataset.capacity()
    frame = capacity.copy()
    if dataset.vacancies is not None:
        per_city = dataset.vacancies.groupby("city")["positions"].agg(["size", "sum"])
        frame["vacancies"] = per_city["size"].reindex(frame.index).fillna(0).astype(int)
        frame["positions"] = per_city["sum"].reindex(frame.index).fillna(0).astype(int)
    if dataset.families is not None:
        first = dataset.families["preferred_cities"].map(lambda c: c[0] if c else None)
        frame["first_choice"] = first.value_counts().reindex(frame.index).fillna(0).astype(int)
    frame.index.name = "city"
    return frame.reset_index()


def population_summary(dataset: Dataset) -> dict[str, pd.Series]:
    """Counts of the people waiting, by nationality, origin, age band and sex."""
    people, families = dataset.people, dataset.families
    origin = people["family_id"].map(families.set_index("family_id")["origin"])
    adult, old = WORKING_AGE
    bands = pd.cut(
        people["age"],
        [-1, 5, 11, adult - 1, old, 200],
        labels=["0-5", "6-11", f"12-{adult - 1}", f"{adult}-{old}", f"{old + 1}+"],
    )
    return {
        "nationality": people["nationality"].value_counts(),
        "origin": origin.value_counts(),
        "age_band": bands.value_counts().sort_index(),
        "sex": people["sex"].value_counts(),
    }
