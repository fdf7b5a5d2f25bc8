"""Import problems told once per file, column and rule with their rows as ranges, hints
for what Excel does to files, and templates that pass the checks."""

import csv
import io

from arraigo.api.services import import_help
from arraigo.data import Problem


def test_a_repeated_problem_is_one_line_with_row_ranges_a_count_and_a_hint():
    dates = [
        Problem("families.csv", row, "registered_at", "date", context={"value": "15/03/2026"})
        for row in [*range(3, 251), 260]
    ]
    other = Problem("families.csv", 7, "origin", "required")
    whole = Problem("vacancies.csv", 0, "", "file_empty")
    groups = import_help.group_problems([*dates, other, whole])
    assert [(g.file, g.column, g.code, g.count) for g in groups] == [
        ("families.csv", "registered_at", "date", 249),
        ("families.csv", "origin", "required", 1),
        ("vacancies.csv", "", "file_empty", 1),
    ]
    first, single, file_level = groups
    assert first.where() == "filas 3–250, 260"
    assert first.where("en") == "rows 3–250, 260"
    assert single.where() == "fila 7"
    assert file_level.where() == "todo el archivo", "a file-level problem is not 'Fila 0'"
    assert "aaaa-mm-dd" in first.hint_text() and "yyyy-mm-dd" in first.hint_text("en")
    assert single.hint is None


def test_semicolons_and_excel_encodings_get_their_own_hint():
    files = [
        ("people.csv", b"person_id;family_id;age\nP1;F1;30\n"),
        ("families.csv", b"family_id,origin\nF1,Tapachula\n"),
    ]
    assert import_help.file_hints(files) == {"people.csv": "semicolon"}
    encoding = Problem("people.csv", 0, "", "file_encoding", context={"position": 10})
    assert "CSV UTF-8" in import_help.group_problems([encoding])[0].hint_text()


def test_each_template_has_the_contract_s_columns_and_one_example_row():
    for kind in import_help.TEMPLATE_KINDS:
        rows = list(csv.reader(io.StringIO(import_help.template_csv(kind))))
        assert len(rows) == 2 and len(rows[0]) == len(rows[1])
        names = [name for name, _required, _personal in import_help.columns(kind)]
        assert rows[0][: len(names)] == names
    people = dict(zip(*csv.reader(io.StringIO(import_help.template_csv("people"))), strict=True))
    assert people["person_id"] and people["age"].isdigit()
    personal = {name for name, _r, is_personal in import_help.columns("people") if is_personal}
    assert personal == {"full_name", "phone"}


def test_the_data_page_offers_templates_and_groups_repeated_problems(app):
    from .test_pages import signed_in

    staff = signed_in(app, "relocation_staff")
    template = staff.get("/data/templates/people.csv")
    assert template.status_code == 200 and template.text.startswith("person_id,family_id,")
    assert staff.get("/data/templates/secrets.csv").status_code == 404
    page = staff.get("/data").text
    assert 'href="/data/templates/vacancies.csv"' in page and "obligatoria" in page
    rows = "".join(f"F{i},Tapachula,,,1{i}/03/2026,\n" for i in range(1, 4))
    families = (
        "families.csv",
        (
            "family_id,origin,preferred_cities,excluded_cities,registered_at,ties_city\n" + rows
        ).encode(),
    )
    checked = staff.post("/data", files=[("files", families)])
    assert checked.status_code == 422
    assert "filas 2–4" in checked.text and "aaaa-mm-dd (2026-03-15)" in checked.text
    assert "1 problemas" not in checked.text
