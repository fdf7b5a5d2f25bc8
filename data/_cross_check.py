"""Checks between files, on the rows that passed their own: ids, families and their
members, and the cities that preferences, vetoes, ties, vacancies and outcomes name."""

import difflib
from collections.abc import Iterable

from ._messages import Problem
from ._schema import KEY_COLUMNS
from ._table_check import ROW, CheckedTable
from ._text import fold
from ._vocab import ADULT_AGE, CAP_PREFIX, USE_PREFIX, Kind


def _unknown_city(name: str, row: int, column: str, city: str, known: Iterable[str]) -> Problem:
    """An unknown city, with the closest known name as a suggestion (typos, accents)."""
    folded = {fold(k): k for k in known}
    close = difflib.get_close_matches(fold(city), list(folded), n=1, cutoff=0.75)
    hint_es = f" ¿Quiso decir {folded[close[0]]}?" if close else ""
    hint_en = f" Did you mean {folded[close[0]]}?" if close else ""
    context = {"value": city, "hint_es": hint_es, "hint_en": hint_en}
    return Problem(name, row, column, "unknown_city", context=context)


def _duplicates(table: CheckedTable) -> list[Problem]:
    frame, column = table.frame, KEY_COLUMNS[table.kind]
    first_row = frame.drop_duplicates(column).set_index(column)[ROW]
    problems = []
    for _, row in frame[frame[column].duplicated()].iterrows():
        value = row[column]
        context = {"value": value, "first_row": int(first_row[value])}
        code = "duplicate_id"
        if table.kind == "families":
            origins = frame.loc[frame[column] == value, "origin"].unique()
            if len(origins) > 1:
                code, context = (
                    "family_split_origin",
                    {"value": value, "origins": ", ".join(origins)},
                )
        problems.append(Problem(table.name, int(row[ROW]), column, code, context=context))
    return problems


def _check_families(people: CheckedTable, families: CheckedTable) -> list[Problem]:
    problems = []
    pf, ff = people.frame, families.frame
    known = families.values("family_id")
    for _, row in pf[~pf["family_id"].isin(known)].iterrows():
        problems.append(
            Problem(
                people.name,
                int(row[ROW]),
                "family_id",
                "unknown_family",
                context={"value": row["family_id"]},
            )
        )
    members = people.values("family_id")
    adults = set(pf.loc[pf["age"] >= ADULT_AGE, "family_id"])
    for _, row in ff.drop_duplicates("family_id").iterrows():
        family = row["family_id"]
        if family not in members:
            code, severity = "family_without_members", "error"
        elif family not in adults:
            code, severity = "family_without_adult", "warning"
        else:
            continue
        context = {"value": family, "adult_age": ADULT_AGE}
        problems.append(
            Problem(families.name, int(row[ROW]), "family_id", code, severity, context=context)
        )
    return problems


def _check_family_cities(families: CheckedTable, cities: set[str]) -> list[Problem]:
    problems = []
    frame = families.frame
    for record in frame.to_dict("records"):
        row = int(record[ROW])
        for column in ("preferred_cities", "excluded_cities", "ties_city"):
            value = record.get(column)
            listed = (
                (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ()
            )
            for city in listed:
                if city not in cities:
                    problems.append(_unknown_city(families.name, row, column, city, cities))
        excluded = set(record["excluded_cities"])
        for city in record["preferred_cities"]:
            if city in excluded:
                problems.append(
                    Problem(
                        families.name,
                        row,
                        "excluded_cities",
                        "preferred_and_excluded",
                        context={"value": city},
                    )
                )
        if record.get("ties_city") in excluded:
            problems.append(
                Problem(
                    families.name,
                    row,
                    "ties_city",
                    "ties_excluded",
                    context={"value": record["ties_city"]},
                )
            )
    return problems


def _check_vacancy_cities(vacancies: CheckedTable, destinations: CheckedTable) -> list[Problem]:
    problems = []
    state_of = dict(zip(destinations.frame["city"], destinations.frame["state"], strict=True))
    # A city whose own row has an error is still a city: do not report it twice.
    state_of |= {c: "" for c in destinations.values("city") - set(state_of)}
    frame = vacancies.frame
    if "city" not in frame or frame["city"].isna().all():
        return problems
    for record in frame[["city", "state", ROW]].to_dict("records"):
        city, row = record["city"], int(record[ROW])
        if city not in state_of:
            problems.append(_unknown_city(vacancies.name, row, "city", city, state_of))
        elif record["state"] and state_of[city] and fold(record["state"]) != fold(state_of[city]):
            problems.append(
                Problem(
                    vacancies.name,
                    row,
                    "state",
                    "state_mismatch",
                    context={"value": record["state"], "city": city, "expected": state_of[city]},
                )
            )
    return problems


def _check_use_columns(families: CheckedTable, destinations: CheckedTable) -> list[Problem]:
    capped = {c.removeprefix(CAP_PREFIX) for c in destinations.frame if c.startswith(CAP_PREFIX)}
    return [
        Problem(
            families.name,
            1,
            column,
            "use_without_capacity",
            "warning",
            context={"resource": column.removeprefix(USE_PREFIX)},
        )
        for column in families.frame
        if column.startswith(USE_PREFIX) and column.removeprefix(USE_PREFIX) not in capped
    ]


def _check_outcomes(outcomes: CheckedTable, others: dict[Kind, CheckedTable]) -> list[Problem]:
    """Outcomes name people, vacancies and cities of the files given with them."""
    checks = [
        ("person_id", "people", "person_id", "unknown_person"),
        ("vacancy_id", "vacancies", "vacancy_id", "unknown_vacancy"),
        ("city", "destinations", "city", "unknown_city"),
    ]
    problems = []
    frame = outcomes.frame
    for column, kind, key, code in checks:
        if kind not in others:
            continue
        known = others[kind].values(key)
        for record in frame[[column, ROW]].dropna().to_dict("records"):
            row, value = int(record[ROW]), record[column]
            if value in known:
                continue
            if code == "unknown_city":
                problems.append(_unknown_city(outcomes.name, row, column, value, known))
            else:
                context = {"value": value}
                problems.append(Problem(outcomes.name, row, column, code, context=context))
    return problems


def check_across(tables: dict[Kind, CheckedTable]) -> list[Problem]:
    """Checks between files, on the rows that passed their own checks."""
    ok = {k: t for k, t in tables.items() if t.frame is not None}
    problems = [p for k, t in ok.items() if k in KEY_COLUMNS for p in _duplicates(t)]
    if "outcomes" in ok:
        problems += _check_outcomes(ok["outcomes"], ok)
    # In the minimal form people have no family_id, and there is nothing to check.
    if "people" in ok and "families" in ok and ok["people"].frame["family_id"].notna().all():
        problems += _check_families(ok["people"], ok["families"])
    if "destinations" in ok:
        cities = ok["destinations"].values("city")
        if "families" in ok:
            problems += _check_family_cities(ok["families"], cities)
            problems += _check_use_columns(ok["families"], ok["destinations"])
        if "vacancies" in ok:
            problems += _check_vacancy_cities(ok["vacancies"], ok["destinations"])
    return problems
