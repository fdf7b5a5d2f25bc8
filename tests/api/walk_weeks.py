"""The files staff upload in the two-week walk (test_pages_walk_browser): small
batches as `arraigo generate` writes them, moved to a few cities whose houses are few
enough that week 1 fills some of them."""

from pathlib import Path

import pandas as pd

from arraigo.data import generate_history, generate_scenario
from arraigo.data._io import write_table

from .conftest import CORPUS

# Houses each city declares: ten families in week 1 for five houses, so cities fill;
# week 2 adds a city with three houses.
HOUSES = {"Saltillo": 2, "Monterrey": 2, "Querétaro": 1}
NEW_CITY = {"city": "León", "state": "Guanajuato", "lat": "21.1250", "lon": "-101.6860"}
WEEK_2_HOUSES = HOUSES | {NEW_CITY["city"]: 3}
SEATS = 40  # school seats and health slots: never what limits these plans


def _text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _destinations(houses: dict[str, int]) -> pd.DataFrame:
    """The good corpus's cities (and the new one when it has houses) with these houses."""
    table = _text_table(CORPUS / "good" / "destinations.csv")
    if NEW_CITY["city"] in houses:
        table = pd.concat([table, pd.DataFrame([NEW_CITY])], ignore_index=True)
    capacity = [c for c in table.columns if c.startswith("cap_")]
    table[capacity] = str(SEATS)
    table["cap_housing_units"] = table["city"].map(houses).astype(str)
    return table


def _text_tables(dataset, folder: Path, kinds: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """``dataset``'s tables as `arraigo generate` writes them, read back as text."""
    folder.mkdir()
    tables = {}
    for kind in kinds:
        write_table(getattr(dataset, kind), folder / f"{kind}.csv")
        tables[kind] = _text_table(folder / f"{kind}.csv")
    return tables


def _moved(tables: dict[str, pd.DataFrame], cities: list[str]) -> dict[str, pd.DataFrame]:
    """The vacancies (and outcomes) moved to ``cities`` in turn, and the families'
    wishes kept to them."""
    known = _destinations(WEEK_2_HOUSES)
    states = dict(zip(known["city"], known["state"], strict=True))
    vacancies = tables["vacancies"]
    vacancies["city"] = [cities[i % len(cities)] for i in range(len(vacancies))]
    vacancies["state"] = vacancies["city"].map(states)
    if "outcomes" in tables:
        city_of = dict(zip(vacancies["vacancy_id"], vacancies["city"], strict=True))
        tables["outcomes"]["city"] = tables["outcomes"]["vacancy_id"].map(city_of)
    fams = tables["families"]
    fams["preferred_cities"] = fams["preferred_cities"].map(
        lambda v: ";".join(c for c in v.split(";") if c in cities)
    )
    fams["excluded_cities"] = ""
    fams["ties_city"] = fams["ties_city"].where(fams["ties_city"].isin(cities), "")
    return tables


def _batch(folder: Path, families: int, seed: int, prefix: str, cities: list[str]) -> dict:
    """A generated batch (as `arraigo generate --id-prefix` writes it) moved to our
    cities, as text tables."""
    dataset = generate_scenario(families=families, seed=seed, id_prefix=prefix)
    raw = _text_tables(dataset, folder / f"raw{prefix or '1'}", ("people", "families", "vacancies"))
    return _moved(raw, cities)


def _past_cohort(folder: Path, cities: list[str]) -> None:
    """A past cohort with its outcomes (H ids, as `arraigo generate --history` writes
    it) moved to ``cities``: what the outcome model learns from, with enough pairs of
    both kinds to train (60 families: about 80)."""
    kinds = ("people", "families", "vacancies", "outcomes")
    history = _text_tables(generate_history(families=60, seed=5), folder.parent / "rawH", kinds)
    folder.mkdir()
    for kind, table in _moved(history, cities).items():
        table.to_csv(folder / f"{kind}.csv", index=False)


def write_weeks(root: Path) -> tuple[Path, Path, Path]:
    """Week 1's and week 2's files under ``root``, and a past cohort's. Week 1: the good
    corpus and six generated families (ten, in three cities); week 2: six more with W2-
    ids, a fourth city, and one person registered again (a duplicate to review)."""
    one, two = root / "week1", root / "week2"
    one.mkdir(), two.mkdir()
    first = _batch(root, 6, 3, "", list(HOUSES))
    for kind, generated in first.items():
        good = _text_table(CORPUS / "good" / f"{kind}.csv")
        pd.concat([good, generated], ignore_index=True).to_csv(one / f"{kind}.csv", index=False)
    _destinations(HOUSES).to_csv(one / "destinations.csv", index=False)
    (one / "outcomes.csv").write_bytes((CORPUS / "good" / "outcomes.csv").read_bytes())
    second = _batch(root, 6, 4, "W2-", [*HOUSES, NEW_CITY["city"]])
    second["people"].loc[0, ["full_name", "age"]] = ["Yeni Mejía", "34"]  # P1 again
    for kind, table in second.items():
        table.to_csv(two / f"{kind}.csv", index=False)
    _destinations(WEEK_2_HOUSES).to_csv(two / "destinations.csv", index=False)
    _past_cohort(root / "history", list(WEEK_2_HOUSES))
    return one, two, root / "history"
