"""Validation of the contract's files: every problem at once, with file, row and column.

A table is checked cell by cell with its row model, then the tables are checked
against each other (ids, families, cities). A ``Dataset`` is built only when there is
no error, so nothing half-valid is ever loaded.
"""

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ._dataset import Dataset
from ._io import SUFFIXES, TableReadError, kind_of, read_raw, to_text_frame
from ._messages import MESSAGES, Problem
from ._schema import (
    ID_COLUMNS,
    KINDS,
    MINIMAL_COLUMNS,
    REQUIRED_COLUMNS,
    ROW_MODELS,
    Kind,
)
from ._text import fold
from ._vocab import CAP_PREFIX, USE_PREFIX, WORKING_AGE

# A row's number as the user sees it in a spreadsheet (header = row 1).
ROW = "_row"


class DataValidationError(Exception):
    """The input has errors; ``problems`` lists them all and nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the input data")


@dataclass
class _Table:
    kind: Kind
    name: str
    frame: pd.DataFrame | None
    problems: list[Problem]
    raw: pd.DataFrame | None = None  # every row as text, named columns

    def values(self, column: str) -> set[str]:
        """Every non-empty value a column holds, valid row or not (for cross checks)."""
        if self.raw is None or column not in self.raw:
            return set()
        return set(self.raw[column].str.strip()) - {""}


def _dynamic_prefix(kind: Kind) -> str | None:
    return {"destinations": CAP_PREFIX, "families": USE_PREFIX}.get(kind)


def _check_columns(
    header: list[str], kind: Kind, name: str, minimal: bool
) -> tuple[list[Problem], list[str]]:
    problems: list[Problem] = []
    required = (MINIMAL_COLUMNS if minimal else REQUIRED_COLUMNS)[kind]
    known = set(ROW_MODELS[kind].model_fields)
    prefix = _dynamic_prefix(kind)
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(
                Problem(name, 1, column, "column_duplicate", context={"column": column})
            )
        seen.add(column)
    for column in required:
        if column not in seen:
            problems.append(Problem(name, 1, column, "column_missing", context={"column": column}))
    dynamic = [
        c for c in dict.fromkeys(header) if prefix and c.startswith(prefix) and len(c) > len(prefix)
    ]
    for column in sorted(seen - known - set(dynamic)):
        problems.append(
            Problem(name, 1, column, "column_unknown", "warning", context={"column": column})
        )
    return problems, dynamic


def _problem_from_error(name: str, row: int, error: dict) -> Problem:
    context = dict(error.get("ctx") or {})
    code = error["type"]
    column = str(error["loc"][0]) if error["loc"] else str(context.get("column", ""))
    if code not in MESSAGES:  # a pydantic error our validators did not anticipate
        code, context = "invalid", {"detail": error["msg"]}
    return Problem(name, row, column, code, context=context)


def _check_rows(
    raw: pd.DataFrame, header: list[str], kind: Kind, name: str
) -> tuple[pd.DataFrame, list[Problem]]:
    model = ROW_MODELS[kind]
    fields = [c for c in dict.fromkeys(header) if c in model.model_fields]
    positions = [header.index(c) for c in fields]
    problems: list[Problem] = []
    records, rows = [], []
    cells = raw.iloc[:, positions].itertuples(index=False)
    for row, values in zip(raw.index.tolist(), cells, strict=True):
        try:
            record = model.model_validate(dict(zip(fields, values, strict=True)))
        except ValidationError as exc:
            problems.extend(_problem_from_error(name, row, e) for e in exc.errors())
            continue
        records.append(record.model_dump())
        rows.append(row)
    frame = pd.DataFrame.from_records(records, columns=list(model.model_fields))
    frame[ROW] = np.asarray(rows, dtype=int)
    return frame, problems


def _check_quantities(
    raw: pd.DataFrame, header: list[str], columns: list[str], name: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Capacity or use columns: numbers of 0 or more; an empty cell is NaN."""
    problems: list[Problem] = []
    out = {}
    for column in columns:
        text = raw.iloc[:, header.index(column)].str.strip()
        number = pd.to_numeric(text, errors="coerce")
        bad = (text != "") & (number.isna() | ~np.isfinite(number))
        negative = number < 0
        for code, mask in (("not_number", bad), ("negative", negative)):
            for row, value in text[mask].items():
                problems.append(Problem(name, int(row), column, code, context={"value": value}))
        out[column] = number.where(~bad & ~negative).astype(float)
    frame = pd.DataFrame(out, index=raw.index)
    frame[ROW] = raw.index.to_numpy()
    return frame, problems


def check_table(path: Path, kind: Kind, minimal: bool = False) -> _Table:
    """Read and check one file; the frame keeps only valid rows, with their row numbers."""
    name = str(path)
    try:
        header, raw = read_raw(path)
    except TableReadError as exc:
        return _Table(kind, name, None, [exc.problem])
    if raw.empty:
        return _Table(kind, name, None, [Problem(name, 0, "", "file_empty")])
    problems, dynamic = _check_columns(header, kind, name, minimal)
    if any(p.code in ("column_missing", "column_duplicate") for p in problems):
        return _Table(kind, name, None, problems)
    frame, row_problems = _check_rows(raw, header, kind, name)
    quantities, quantity_problems = _check_quantities(raw, header, dynamic, name)
    frame = frame.merge(quantities, on=ROW, how="left")
    named = raw.set_axis(header, axis=1).loc[:, ~pd.Index(header).duplicated()]
    return _Table(kind, name, frame, problems + row_problems + quantity_problems, named)


def _unknown_city(name: str, row: int, column: str, city: str, known: Iterable[str]) -> Problem:
    """An unknown city, with the closest known name as a suggestion (typos, accents)."""
    folded = {fold(k): k for k in known}
    close = difflib.get_close_matches(fold(city), list(folded), n=1, cutoff=0.75)
    hint_es = f" ¿Quiso decir {folded[close[0]]}?" if close else ""
    hint_en = f" Did you mean {folded[close[0]]}?" if close else ""
    context = {"value": city, "hint_es": hint_es, "hint_en": hint_en}
    return Problem(name, row, column, "unknown_city", context=context)


def _duplicates(table: _Table) -> list[Problem]:
    frame, column = table.frame, ID_COLUMNS[table.kind]
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


def _check_families(people: _Table, families: _Table) -> list[Problem]:
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
    adults = set(pf.loc[pf["age"] >= WORKING_AGE[0], "family_id"])
    for _, row in ff.drop_duplicates("family_id").iterrows():
        family = row["family_id"]
        if family not in members:
            problems.append(
                Problem(
                    families.name,
                    int(row[ROW]),
                    "family_id",
                    "family_without_members",
                    context={"value": family},
                )
            )
        elif family not in adults:
            problems.append(
                Problem(
                    families.name,
                    int(row[ROW]),
                    "family_id",
                    "family_without_adult",
                    "warning",
                    context={"value": family},
                )
            )
    return problems


def _check_family_cities(families: _Table, cities: set[str]) -> list[Problem]:
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


def _check_vacancy_cities(vacancies: _Table, destinations: _Table) -> list[Problem]:
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


def _check_use_columns(families: _Table, destinations: _Table) -> list[Problem]:
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


def _check_outcomes(outcomes: _Table, others: dict[Kind, _Table]) -> list[Problem]:
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


def check_across(tables: dict[Kind, _Table]) -> list[Problem]:
    """Checks between files, on the rows that passed their own checks."""
    ok = {k: t for k, t in tables.items() if t.frame is not None}
    problems = [p for k, t in ok.items() if k in ID_COLUMNS for p in _duplicates(t)]
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


def _expand(paths: Iterable[Path | str]) -> tuple[dict[Kind, Path], list[Problem]]:
    found: dict[Kind, Path] = {}
    problems: list[Problem] = []
    for given in map(Path, paths):
        candidates = sorted(given.iterdir()) if given.is_dir() else [given]
        for path in candidates:
            kind = kind_of(path)
            if kind is None:
                if not given.is_dir():
                    code = "file_missing" if not path.exists() else "file_kind_unknown"
                    problems.append(Problem(str(path), 0, "", code))
                elif path.suffix.lower() in SUFFIXES:
                    # A folder may hold other tables (scores, matches): say they were not read.
                    problems.append(Problem(str(path), 0, "", "file_kind_unknown", "warning"))
            elif kind in found:
                problems.append(
                    Problem(str(path), 0, "", "file_duplicate_kind", context={"kind": kind})
                )
            else:
                found[kind] = path
    return found, problems


def validate_paths(
    paths: Iterable[Path | str],
    minimal: bool = False,
    require: Sequence[Kind] = (),
) -> tuple[Dataset | None, list[Problem]]:
    """Check files (or folders of them) and build a Dataset when there is no error.

    ``minimal`` accepts the few columns matching needs (people: person_id and
    skills_text; vacancies: vacancy_id and title). ``require`` names tables that must
    be present. Returns the dataset (None on any error) and every problem found,
    errors and warnings, in file and row order.
    """
    found, problems = _expand(paths)
    for kind in require:
        if kind not in found:
            problems.append(Problem(kind, 0, "", "table_required", context={"kind": kind}))
    tables = {kind: check_table(path, kind, minimal) for kind, path in found.items()}
    problems += [p for t in tables.values() for p in t.problems]
    problems += check_across(tables)
    problems.sort(key=lambda p: (p.file, p.row, p.column))
    if any(p.severity == "error" for p in problems) or not tables:
        return None, problems
    frames = {k: tables[k].frame.drop(columns=ROW) for k in KINDS if k in tables}
    return Dataset(**frames), problems


# Rows that come from stored records rather than from a file carry this row number.
STORED_ROW = -1


def _with_stored(table: _Table, stored: pd.DataFrame | None) -> _Table:
    """A file's table followed by the stored records its rows do not replace."""
    if stored is None or table.frame is None:
        return table
    key = ID_COLUMNS[table.kind]
    kept = stored[~stored[key].astype(str).isin(table.values(key))]
    frame = pd.concat([table.frame, kept.assign(**{ROW: STORED_ROW})], ignore_index=True)
    raw = pd.concat([table.raw, to_text_frame(kept).astype(str)], ignore_index=True)
    return _Table(table.kind, table.name, frame, table.problems, raw)


def _stored_table(kind: Kind, stored: pd.DataFrame) -> _Table:
    frame = stored.assign(**{ROW: STORED_ROW})
    return _Table(kind, f"stored {kind}", frame, [], to_text_frame(stored).astype(str))


def validate_against(
    paths: Iterable[Path | str], stored: Dataset
) -> tuple[Dataset | None, list[Problem]]:
    """Check files that update stored records: a row replaces the stored record with the
    same id, and the checks across files run on the files and the stored records together.

    Returns the files' tables (typed; stored records are not in them) when there is no
    error, and every problem. A problem in a stored record has row 0 and names the
    stored table (``stored people``).
    """
    found, problems = _expand(paths)
    uploaded = {kind: check_table(path, kind) for kind, path in found.items()}
    problems += [p for t in uploaded.values() for p in t.problems]
    tables: dict[Kind, _Table] = {}
    for kind in KINDS:
        saved = getattr(stored, kind)
        if kind in uploaded:
            tables[kind] = _with_stored(uploaded[kind], saved if kind in ID_COLUMNS else None)
        elif saved is not None and len(saved):
            tables[kind] = _stored_table(kind, saved)
    for problem in check_across(tables):
        if problem.row == STORED_ROW:
            kind = next(k for k, t in tables.items() if t.name == problem.file)
            problem = replace(problem, file=f"stored {kind}", row=0)
        problems.append(problem)
    problems.sort(key=lambda p: (p.file, p.row, p.column))
    if any(p.severity == "error" for p in problems) or not uploaded:
        return None, problems
    frames = {
        kind: t.frame[t.frame[ROW] != STORED_ROW].drop(columns=ROW).reset_index(drop=True)
        for kind, t in tables.items()
        if kind in uploaded
    }
    return Dataset(**frames), problems


def load_dataset(
    path: Path | str | Sequence[Path | str],
    require: Sequence[Kind] = ("people", "families", "destinations"),
    minimal: bool = False,
) -> Dataset:
    """Load and validate a folder (or files) of the contract; raise on any error.

    Raises ``DataValidationError`` listing every problem; nothing is returned half
    loaded.
    """
    paths = [path] if isinstance(path, str | Path) else list(path)
    dataset, problems = validate_paths(paths, minimal=minimal, require=require)
    if dataset is None:
        raise DataValidationError(problems)
    return dataset
