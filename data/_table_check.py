"""Checks within one file: its columns, every row against its row model, and its
capacity or use columns; each problem named by file, row and column."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from ._io import TableReadError, read_raw
from ._messages import MESSAGES, Problem
from ._schema import MINIMAL_ROW_MODELS, ROW_MODELS, required_columns
from ._vocab import CAP_PREFIX, USE_PREFIX, Kind

# A row's number as the user sees it in a spreadsheet (header = row 1).
ROW = "_row"


@dataclass
class CheckedTable:
    """One file after its own checks: the valid rows typed (``frame``, None when the
    file could not be checked at all), its problems and every row as text."""

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
    header: list[str], kind: Kind, model: type[BaseModel], name: str
) -> tuple[list[Problem], list[str]]:
    problems: list[Problem] = []
    known = set(model.model_fields)
    prefix = _dynamic_prefix(kind)
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(
                Problem(name, 1, column, "column_duplicate", context={"column": column})
            )
        seen.add(column)
    for column in required_columns(model):
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
    raw: pd.DataFrame, header: list[str], model: type[BaseModel], name: str
) -> tuple[pd.DataFrame, list[Problem]]:
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


def check_table(path: Path, kind: Kind, minimal: bool = False) -> CheckedTable:
    """Read and check one file; the frame keeps only valid rows, with their row numbers."""
    name = str(path)
    try:
        header, raw = read_raw(path)
    except TableReadError as exc:
        return CheckedTable(kind, name, None, [exc.problem])
    if raw.empty:
        return CheckedTable(kind, name, None, [Problem(name, 0, "", "file_empty")])
    model = (MINIMAL_ROW_MODELS if minimal else ROW_MODELS)[kind]
    problems, dynamic = _check_columns(header, kind, model, name)
    if any(p.code in ("column_missing", "column_duplicate") for p in problems):
        return CheckedTable(kind, name, None, problems)
    frame, row_problems = _check_rows(raw, header, model, name)
    quantities, quantity_problems = _check_quantities(raw, header, dynamic, name)
    frame = frame.merge(quantities, on=ROW, how="left")
    named = raw.set_axis(header, axis=1).loc[:, ~pd.Index(header).duplicated()]
    return CheckedTable(kind, name, frame, problems + row_problems + quantity_problems, named)
