"""Validation of the contract's files, alone or against stored records: every problem
at once, with file, row and column.

Each file is checked on its own (``_table_check``), then the files against each other
(``_cross_check``). A ``Dataset`` is built only when there is no error, so nothing
half-valid is ever loaded.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ._cross_check import check_across
from ._dataset import Dataset
from ._io import SUFFIXES, kind_of, to_text_frame
from ._messages import Problem
from ._schema import KEY_COLUMNS
from ._table_check import ROW, CheckedTable, check_table
from ._vocab import KINDS, Kind


class DataValidationError(Exception):
    """The input has errors; ``problems`` lists them all and nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the input data")


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


def _ordered(problems: list[Problem]) -> tuple[list[Problem], bool]:
    """Problems in file, row and column order, and whether any of them is an error."""
    ordered = sorted(problems, key=lambda p: (p.file, p.row, p.column))
    return ordered, any(p.severity == "error" for p in ordered)


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
    problems, failed = _ordered(problems)
    if failed or not tables:
        return None, problems
    frames = {k: tables[k].frame.drop(columns=ROW) for k in KINDS if k in tables}
    return Dataset(**frames), problems


# Rows that come from stored records rather than from a file carry this row number.
STORED_ROW = -1


def _stored_table(kind: Kind, stored: pd.DataFrame) -> CheckedTable:
    """Stored records as a table checked already, their rows numbered ``STORED_ROW``."""
    frame = stored.assign(**{ROW: STORED_ROW})
    return CheckedTable(kind, f"stored {kind}", frame, [], to_text_frame(stored).astype(str))


def _with_stored(table: CheckedTable, stored: pd.DataFrame | None) -> CheckedTable:
    """A file's table followed by the stored records its rows do not replace."""
    if stored is None or table.frame is None:
        return table
    key = KEY_COLUMNS[table.kind]
    kept = _stored_table(table.kind, stored[~stored[key].astype(str).isin(table.values(key))])
    frame = pd.concat([table.frame, kept.frame], ignore_index=True)
    raw = pd.concat([table.raw, kept.raw], ignore_index=True)
    return CheckedTable(table.kind, table.name, frame, table.problems, raw)


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
    tables: dict[Kind, CheckedTable] = {}
    for kind in KINDS:
        saved = getattr(stored, kind)
        if kind in uploaded:
            tables[kind] = _with_stored(uploaded[kind], saved if kind in KEY_COLUMNS else None)
        elif saved is not None and len(saved):
            tables[kind] = _stored_table(kind, saved)
    for problem in check_across(tables):
        if problem.row == STORED_ROW:
            kind = next(k for k, t in tables.items() if t.name == problem.file)
            problem = replace(problem, file=f"stored {kind}", row=0)
        problems.append(problem)
    problems, failed = _ordered(problems)
    if failed or not uploaded:
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
