"""Write the broken-file corpus: each case is the good dataset with one fault.

Run from this folder: ``python make_broken.py``. Each case folder holds the files
that differ from good/ and expected.csv, the errors validation must report (file,
row, column, code), no more and no fewer. The corpus is committed; this script
documents how each case was made.
"""

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
GOOD = HERE / "good"
Rows = list[list[str]]


def read(kind: str) -> Rows:
    return list(csv.reader(io.StringIO((GOOD / f"{kind}.csv").read_text(encoding="utf-8"))))


def set_cell(rows: Rows, row: int, column: str, value: str) -> Rows:
    """Spreadsheet row numbering: the header is row 1."""
    rows[row - 1][rows[0].index(column)] = value
    return rows


def drop_column(rows: Rows, column: str) -> Rows:
    i = rows[0].index(column)
    return [r[:i] + r[i + 1 :] for r in rows]


def text(rows: Rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def cell(kind: str, row: int, column: str, value: str) -> Callable[[], Rows]:
    return lambda: set_cell(read(kind), row, column, value)


# name -> (file written, how, expected errors as (file, row, column, code))
CASES: dict[str, tuple[str, Callable[[], Rows | str | bytes], list[tuple]]] = {
    "missing_column": (
        "people.csv",
        lambda: drop_column(read("people"), "age"),
        [("people.csv", 1, "age", "column_missing")],
    ),
    "duplicate_column": (
        "families.csv",
        lambda: [[*r, r[1]] for r in read("families")],
        [("families.csv", 1, "origin", "column_duplicate")],
    ),
    "empty_file": (
        "vacancies.csv",
        lambda: read("vacancies")[:1],
        [("vacancies.csv", 0, "", "file_empty")],
    ),
    "not_utf8": (
        "people.csv",
        lambda: text(read("people")).encode("latin-1"),
        [("people.csv", 0, "", "file_encoding")],
    ),
    "unknown_file_name": (
        "personas.csv",
        lambda: read("people"),
        [("personas.csv", 0, "", "file_kind_unknown")],
    ),
    "age_too_high": (
        "people.csv",
        cell("people", 4, "age", "130"),
        [("people.csv", 4, "age", "out_of_range")],
    ),
    "age_negative": (
        "people.csv",
        cell("people", 5, "age", "-1"),
        [("people.csv", 5, "age", "out_of_range")],
    ),
    "age_not_a_number": (
        "people.csv",
        cell("people", 2, "age", "treinta"),
        [("people.csv", 2, "age", "not_integer")],
    ),
    "sex_unknown": (
        "people.csv",
        cell("people", 3, "sex", "H"),
        [("people.csv", 3, "sex", "choice")],
    ),
    "nationality_not_iso": (
        "people.csv",
        cell("people", 6, "nationality", "Haiti"),
        [("people.csv", 6, "nationality", "country_code")],
    ),
    "language_not_iso": (
        "people.csv",
        cell("people", 7, "languages", "ht;creole"),
        [("people.csv", 7, "languages", "language_code")],
    ),
    "education_unknown": (
        "people.csv",
        cell("people", 9, "education", "universidad"),
        [("people.csv", 9, "education", "choice")],
    ),
    "health_need_unknown": (
        "people.csv",
        cell("people", 10, "health_needs", "anxiety"),
        [("people.csv", 10, "health_needs", "choice")],
    ),
    "health_none_combined": (
        "people.csv",
        cell("people", 2, "health_needs", "none;chronic"),
        [("people.csv", 2, "health_needs", "none_combined")],
    ),
    "document_unknown": (
        "people.csv",
        cell("people", 2, "documents", "constancia;passport"),
        [("people.csv", 2, "documents", "choice")],
    ),
    "document_repeated": (
        "people.csv",
        cell("people", 2, "documents", "curp;curp"),
        [("people.csv", 2, "documents", "repeated_item")],
    ),
    "experience_exceeds_age": (
        "people.csv",
        cell("people", 4, "work_experience_years", "20"),
        [("people.csv", 4, "work_experience_years", "experience_exceeds_age")],
    ),
    "person_id_empty": (
        "people.csv",
        cell("people", 6, "person_id", ""),
        # The outcome of P5 now names nobody, and says so too.
        [
            ("people.csv", 6, "person_id", "required"),
            ("outcomes.csv", 3, "person_id", "unknown_person"),
        ],
    ),
    "person_id_duplicate": (
        "people.csv",
        cell("people", 3, "person_id", "P1"),
        [
            ("people.csv", 3, "person_id", "duplicate_id"),
            ("outcomes.csv", 2, "person_id", "unknown_person"),
        ],
    ),
    "phone_not_a_phone": (
        "people.csv",
        cell("people", 2, "phone", "llamar al hermano"),
        [("people.csv", 2, "phone", "phone")],
    ),
    "unknown_family": (
        "people.csv",
        cell("people", 10, "family_id", "F9"),
        [
            ("people.csv", 10, "family_id", "unknown_family"),
            ("families.csv", 5, "family_id", "family_without_members"),
        ],
    ),
    "family_split_across_origins": (
        "families.csv",
        lambda: [*read("families"), ["F2", "Palenque", "", "", "2026-10-02", ""]],
        [("families.csv", 6, "family_id", "family_split_origin")],
    ),
    "family_id_duplicate": (
        "families.csv",
        lambda: [*read("families"), ["F3", "Villahermosa", "", "", "2026-10-21", ""]],
        [("families.csv", 6, "family_id", "duplicate_id")],
    ),
    "date_not_iso": (
        "families.csv",
        cell("families", 4, "registered_at", "20/10/2026"),
        [("families.csv", 4, "registered_at", "date")],
    ),
    "preferred_city_unknown": (
        "families.csv",
        cell("families", 2, "preferred_cities", "Saltillo;Tijuana"),
        [("families.csv", 2, "preferred_cities", "unknown_city")],
    ),
    "preferred_city_repeated": (
        "families.csv",
        cell("families", 2, "preferred_cities", "Saltillo;saltillo"),
        [("families.csv", 2, "preferred_cities", "repeated_item")],
    ),
    "excluded_city_unknown": (
        "families.csv",
        cell("families", 3, "excluded_cities", "Cancún"),
        [("families.csv", 3, "excluded_cities", "unknown_city")],
    ),
    "ties_city_unknown": (
        "families.csv",
        cell("families", 4, "ties_city", "Puebla"),
        [("families.csv", 4, "ties_city", "unknown_city")],
    ),
    "preferred_and_excluded": (
        "families.csv",
        cell("families", 5, "excluded_cities", "Saltillo"),
        [("families.csv", 5, "excluded_cities", "preferred_and_excluded")],
    ),
    "ties_city_excluded": (
        "families.csv",
        cell("families", 3, "ties_city", "Querétaro"),
        [("families.csv", 3, "ties_city", "ties_excluded")],
    ),
    "use_override_negative": (
        "families.csv",
        lambda: [
            [*r, c]
            for r, c in zip(read("families"), ["use_housing_units", "1", "-1", "", ""], strict=True)
        ],
        [("families.csv", 3, "use_housing_units", "negative")],
    ),
    "capacity_negative": (
        "destinations.csv",
        cell("destinations", 2, "cap_housing_units", "-2"),
        [("destinations.csv", 2, "cap_housing_units", "negative")],
    ),
    "capacity_not_a_number": (
        "destinations.csv",
        cell("destinations", 3, "cap_school_primaria", "muchos"),
        [("destinations.csv", 3, "cap_school_primaria", "not_number")],
    ),
    "latitude_out_of_range": (
        "destinations.csv",
        cell("destinations", 4, "lat", "120"),
        [("destinations.csv", 4, "lat", "out_of_range")],
    ),
    "destination_duplicate": (
        "destinations.csv",
        lambda: [*read("destinations"), read("destinations")[1]],
        [("destinations.csv", 5, "city", "duplicate_id")],
    ),
    "vacancy_city_unknown": (
        "vacancies.csv",
        cell("vacancies", 5, "city", "Queretaro"),
        [("vacancies.csv", 5, "city", "unknown_city")],
    ),
    "vacancy_state_mismatch": (
        "vacancies.csv",
        cell("vacancies", 2, "state", "Nuevo León"),
        [("vacancies.csv", 2, "state", "state_mismatch")],
    ),
    "positions_negative": (
        "vacancies.csv",
        cell("vacancies", 3, "positions", "-1"),
        [("vacancies.csv", 3, "positions", "out_of_range")],
    ),
    "salary_negative": (
        "vacancies.csv",
        cell("vacancies", 4, "salary_mxn_month", "-100"),
        [("vacancies.csv", 4, "salary_mxn_month", "negative")],
    ),
    "isco_unknown": (
        "vacancies.csv",
        cell("vacancies", 2, "isco", "9999"),
        [("vacancies.csv", 2, "isco", "isco")],
    ),
    "education_min_unknown": (
        "vacancies.csv",
        cell("vacancies", 3, "education_min", "prepa"),
        [("vacancies.csv", 3, "education_min", "choice")],
    ),
    "requires_unknown": (
        "vacancies.csv",
        cell("vacancies", 4, "requires", "curp;ine"),
        [("vacancies.csv", 4, "requires", "choice")],
    ),
    "excel_age_too_high": (
        "people.xlsx",
        cell("people", 4, "age", "300"),
        [("people.xlsx", 4, "age", "out_of_range")],
    ),
    "parquet_capacity_negative": (
        "destinations.parquet",
        cell("destinations", 3, "cap_housing_units", "-5"),
        [("destinations.parquet", 3, "cap_housing_units", "negative")],
    ),
    "outcome_not_yes_no": (
        "outcomes.csv",
        cell("outcomes", 2, "hired", "quizá"),
        [("outcomes.csv", 2, "hired", "boolean")],
    ),
    "outcome_kept_without_hire": (
        "outcomes.csv",
        cell("outcomes", 4, "employed_90d", "1"),
        [("outcomes.csv", 4, "employed_90d", "employed_not_hired")],
    ),
    "outcome_unknown_person": (
        "outcomes.csv",
        cell("outcomes", 4, "person_id", "P99"),
        [("outcomes.csv", 4, "person_id", "unknown_person")],
    ),
    "outcome_unknown_vacancy": (
        "outcomes.csv",
        cell("outcomes", 2, "vacancy_id", "V77"),
        [("outcomes.csv", 2, "vacancy_id", "unknown_vacancy")],
    ),
    "many_faults_at_once": (
        "people.csv",
        lambda: set_cell(set_cell(read("people"), 2, "sex", "H"), 8, "age", "abc"),
        [("people.csv", 2, "sex", "choice"), ("people.csv", 8, "age", "not_integer")],
    ),
}


def write(path: Path, content: Rows | str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif path.suffix == ".csv":
        path.write_text(text(content), encoding="utf-8")
    else:
        frame = pd.DataFrame(content[1:], columns=content[0])
        if path.suffix == ".xlsx":
            frame.to_excel(path, index=False)
        else:
            frame.to_parquet(path, index=False)


def main() -> None:
    broken = HERE / "broken"
    shutil.rmtree(broken, ignore_errors=True)
    for name, (filename, make, expected) in CASES.items():
        folder = broken / name
        folder.mkdir(parents=True)
        write(folder / filename, make())
        pd.DataFrame(expected, columns=["file", "row", "column", "code"]).to_csv(
            folder / "expected.csv", index=False
        )


if __name__ == "__main__":
    main()
