"""Help with an import: the same problem on many rows told once (file, column, rule, the
rows as ranges and how many), hints for what spreadsheets usually do to a file (dates as
dd/mm/aaaa, columns separated by ";", Excel's own encoding and date numbers), and a
template and the columns of each file, taken from the data contract."""

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from arraigo.data import (
    PERSONAL_COLUMNS,
    Dataset,
    DestinationRow,
    FamilyRow,
    PersonRow,
    Problem,
    VacancyRow,
    generate_scenario,
)

# The files staff prepare by hand, and the contract's row model of each.
TEMPLATE_KINDS = {
    "people": PersonRow,
    "families": FamilyRow,
    "destinations": DestinationRow,
    "vacancies": VacancyRow,
}

HINTS = {
    "day_first_date": (
        "Las fechas van como aaaa-mm-dd (2026-03-15). Excel las muestra como dd/mm/aaaa: "
        "dé a la columna el formato personalizado aaaa-mm-dd antes de guardar.",
        "Dates go as yyyy-mm-dd (2026-03-15). Excel shows them as dd/mm/yyyy: give the "
        "column the custom format yyyy-mm-dd before saving.",
    ),
    "excel_date_number": (
        "Excel guardó la fecha como número de serie: dé a la columna el formato aaaa-mm-dd.",
        "Excel saved the date as a serial number: give the column the format yyyy-mm-dd.",
    ),
    "semicolon": (
        "Las columnas están separadas por «;» (así guarda Excel en español): guarde como "
        "«CSV UTF-8 (delimitado por comas)» o suba el libro .xlsx tal cual.",
        "The columns are separated by ';' (as Excel saves in Spanish): save as 'CSV UTF-8 "
        "(comma delimited)' or upload the .xlsx workbook as it is.",
    ),
    "excel_encoding": (
        "Excel guardó el CSV en su codificación de Windows: elija «CSV UTF-8» al guardar, "
        "o suba el libro .xlsx tal cual.",
        "Excel saved the CSV in its Windows encoding: choose 'CSV UTF-8' when saving, or "
        "upload the .xlsx workbook as it is.",
    ),
}
DAY_FIRST = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
SERIAL = re.compile(r"^\d{5}(\.0+)?$")


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one rule in one column of one file, on ``rows`` (0: the whole file)."""

    file: str
    column: str
    code: str
    severity: str
    rows: tuple[int, ...]
    example: Problem  # the first, whose message the group shows
    hint: str | None = None  # a key of HINTS

    @property
    def count(self) -> int:
        return len(self.rows)

    def where(self, lang: str = "es") -> str:
        """ "todo el archivo", "fila 3" or "filas 3–250, 260" (English: "whole file"...)."""
        if self.rows == (0,):
            return "whole file" if lang == "en" else "todo el archivo"
        spans = []
        for _key, run in groupby(enumerate(self.rows), lambda pair: pair[1] - pair[0]):
            numbers = [row for _i, row in run]
            first, last = numbers[0], numbers[-1]
            spans.append(f"{first:,}" if first == last else f"{first:,}–{last:,}")
        word = ("row" if lang == "en" else "fila") + ("s" if self.count > 1 else "")
        return f"{word} {', '.join(spans)}"

    def message(self, lang: str = "es") -> str:
        return self.example.message(lang)

    def hint_text(self, lang: str = "es") -> str | None:
        return None if self.hint is None else HINTS[self.hint][lang == "en"]


def _value_hint(problem: Problem) -> str | None:
    value = str(problem.context.get("value", "")).strip()
    if problem.code == "date" and DAY_FIRST.match(value):
        return "day_first_date"
    if problem.code == "date" and SERIAL.match(value):
        return "excel_date_number"
    if problem.code == "file_encoding":
        return "excel_encoding"
    return None


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """One group per file, column, rule and severity, in the order first met."""
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for problem in problems:
        key = (problem.file, problem.column, problem.code, problem.severity)
        groups.setdefault(key, []).append(problem)
    out = []
    for (file, column, code, severity), found in groups.items():
        hints = [h for h in map(_value_hint, found) if h]
        rows = tuple(sorted({int(p.row) for p in found}))
        out.append(
            ProblemGroup(file, column, code, severity, rows, found[0], hints[0] if hints else None)
        )
    return out


def file_hints(files: list[tuple[str, bytes]]) -> dict[str, str]:
    """File name -> a key of HINTS, for CSV files whose columns are separated by ";"."""
    found = {}
    for name, content in files:
        if not name.lower().endswith(".csv"):
            continue
        header = content[:4096].split(b"\n", 1)[0]
        if header.count(b";") > header.count(b","):
            found[name.replace("\\", "/").rsplit("/", 1)[-1]] = "semicolon"
    return found


def columns(kind: str) -> list[tuple[str, bool, bool]]:
    """Each column of a kind's file, from the contract: (name, required, personal)."""
    model = TEMPLATE_KINDS[kind]
    return [
        (name, field.is_required(), name in PERSONAL_COLUMNS)
        for name, field in model.model_fields.items()
    ]


def template_csv(kind: str) -> str:
    """A file of ``kind`` with its header and one example row, as the contract's own
    synthetic scenario writes it (so the example always passes the checks)."""
    scenario = generate_scenario(families=1, seed=1)
    with tempfile.TemporaryDirectory(prefix="arraigo-template-") as folder:
        written = Path(folder) / f"{kind}.csv"
        Dataset(**{kind: getattr(scenario, kind)}).write(folder)
        with open(written, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header, example = next(reader), next(reader)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, example])
    return out.getvalue()
