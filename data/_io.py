"""Reading and writing the contract's tables: CSV (UTF-8), Parquet and Excel .xlsx.

Files are read as text, cell by cell, so that validation sees what the user wrote and
can name the row and column of every problem. Nothing here is ever executed or
unpickled: CSV and .xlsx are parsed as data, Parquet through pyarrow.
"""

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ._messages import Problem
from ._schema import LIST_COLUMNS
from ._vocab import KINDS, Kind

SUFFIXES = (".csv", ".parquet", ".xlsx")
# A spreadsheet is refused before parsing when it declares more cells than this, or
# unpacks to more bytes: a month of the programme (25,000 people x 15 columns) fits
# many times over, a 1.5 KB file declaring 20,000 x 5,000 cells does not.
MAX_XLSX_CELLS = 2_000_000
MAX_XLSX_UNPACKED_BYTES = 256 * 2**20
# No table of the contract comes near this many columns (a few dozen with every
# resource a user adds); a header wider than it is refused before the cells are read
# (a 200,000-column CSV of 1 MB took 14 s to tabulate).
MAX_COLUMNS = 1_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


class TableReadError(Exception):
    """A file that cannot be read as a table at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def kind_of(path: Path) -> Kind | None:
    """Which contract table a file holds, from its name (``people.csv`` -> people)."""
    stem = path.name.lower()
    for suffix in SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        return None
    return next((k for k in KINDS if stem == k or stem.endswith(f"_{k}")), None)


def _as_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_as_text(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays from Parquet
        return _as_text(value.tolist())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_rows(rows: list[list[str]], name: str) -> tuple[list[str], pd.DataFrame]:
    """Header and body of a sheet. The body's index is each row's number as a
    spreadsheet shows it (the first row is 1); blank rows are skipped without
    renumbering the others, and blank rows before the header are passed over."""
    filled = [i for i, row in enumerate(rows) if any(c.strip() for c in row)]
    if not filled:
        return [], pd.DataFrame()
    first = filled[0]
    if len(rows[first]) > MAX_COLUMNS:
        detail = f"{len(rows[first])} columnas / columns"
        raise TableReadError(Problem(name, 0, "", "file_too_large", context={"detail": detail}))
    header = [h.strip() for h in rows[first]]
    numbers = [i + 1 for i in filled[1:]]
    body = [(rows[i] + [""] * (len(header) - len(rows[i])))[: len(header)] for i in filled[1:]]
    frame = pd.DataFrame(body, columns=range(len(header)), index=numbers, dtype=str)
    return header, frame


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def check_xlsx_size(path: Path) -> None:
    """Refuse (TableReadError) an .xlsx whose sheets declare more than MAX_XLSX_CELLS
    cells or unpack to more than MAX_XLSX_UNPACKED_BYTES, reading only the zip's
    directory and each sheet's first bytes."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        detail = None
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            detail = f"{unpacked // 2**20} MiB"
        for member in members:
            if detail or not member.filename.startswith("xl/worksheets/"):
                continue
            with archive.open(member) as sheet:
                found = _DIMENSION.search(sheet.read(4096))
            if found and found[3]:
                rows = int(found[4]) - int(found[2]) + 1
                columns = _column_number(found[3]) - _column_number(found[1]) + 1
                if rows * columns > MAX_XLSX_CELLS:
                    detail = f"{rows} x {columns}"
    if detail:
        raise TableReadError(
            Problem(str(path), 0, "", "file_too_large", context={"detail": detail})
        )


def read_raw(path: Path) -> tuple[list[str], pd.DataFrame]:
    """Header and cells (all text, positional columns) of a CSV, Parquet or .xlsx file.

    Raises ``TableReadError`` with a plain problem when the file cannot be read.
    """
    name = str(path)
    if not path.is_file():
        raise TableReadError(Problem(name, 0, "", "file_missing"))
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise TableReadError(
                    Problem(name, 0, "", "file_encoding", context={"position": exc.start})
                ) from None
            return _from_rows(list(csv.reader(io.StringIO(text, newline=""))), name)
        if suffix == ".xlsx":
            check_xlsx_size(path)
            sheet = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
            rows = [[_as_text(v) for v in row] for row in sheet.itertuples(index=False)]
            return _from_rows(rows, name)
        if suffix == ".parquet":
            table = pd.read_parquet(path)
            header = [str(c) for c in table.columns]
            cells = [[_as_text(v) for v in row] for row in table.itertuples(index=False)]
            return _from_rows([header, *cells], name)
    except TableReadError:
        raise
    except Exception as exc:  # any parser failure is the user's file, reported plainly
        detail = f"{type(exc).__name__}: {exc}"
        raise TableReadError(
            Problem(name, 0, "", "file_unreadable", context={"detail": detail})
        ) from exc
    raise TableReadError(Problem(name, 0, "", "file_kind_unknown"))


def to_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed table back to the text form of the files (lists joined with ``;``)."""
    out = frame.copy()
    for column in out.columns:
        if column in LIST_COLUMNS:
            out[column] = out[column].map(lambda items: ";".join(items) if items else "")
    if "health_needs" in out:
        out["health_needs"] = out["health_needs"].replace("", "none")
    return out


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a typed table as CSV, Parquet or .xlsx, by the path's suffix."""
    text = to_text_frame(frame)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text.to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".parquet":
        text.to_parquet(path, index=False)
    elif suffix == ".xlsx":
        text.to_excel(path, index=False, engine="openpyxl")
    else:
        raise ValueError(f"unsupported table format: {path.suffix}")
