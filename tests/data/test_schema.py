"""The contract's cell rules: what each column accepts and how it is typed."""

import datetime as dt

import pytest
from pydantic import ValidationError

from arraigo.data import FamilyRow, PersonRow, VacancyRow, load_dataset

PERSON = {
    "person_id": "P1",
    "family_id": "F1",
    "age": "34",
    "sex": "f",
    "nationality": "hti",
    "languages": "ht; FR",
    "education": "Secundaria",
    "skills_text": "  Mwen se mason  ",
    "work_experience_years": "6",
    "health_needs": "none",
    "documents": "constancia;tvrh",
}


def test_person_cells_are_typed_and_normalised():
    person = PersonRow.model_validate(PERSON)
    assert person.age == 34
    assert person.sex == "F"
    assert person.nationality == "HTI"
    assert person.languages == ("ht", "fr")
    assert person.education == "secundaria"
    assert person.skills_text == "Mwen se mason"
    assert person.health_needs == ()  # "none" means no need
    assert person.documents == ("constancia", "tvrh")


def test_empty_optional_lists_are_empty_tuples():
    person = PersonRow.model_validate({**PERSON, "health_needs": "", "documents": ""})
    assert person.health_needs == ()
    assert person.documents == ()


@pytest.mark.parametrize("code", ["es", "fr", "ht", "en", "quc", "pt"])
def test_iso_639_languages_are_accepted(code):
    assert PersonRow.model_validate({**PERSON, "languages": code}).languages == (code,)


def test_age_written_as_a_spreadsheet_float_is_a_whole_number():
    assert PersonRow.model_validate({**PERSON, "age": "34.0"}).age == 34
    with pytest.raises(ValidationError):
        PersonRow.model_validate({**PERSON, "age": "34.5"})


def test_spreadsheet_midnight_timestamp_is_a_date():
    family = FamilyRow.model_validate(
        {
            "family_id": "F1",
            "origin": "Tapachula",
            "preferred_cities": "Saltillo; Monterrey",
            "excluded_cities": "",
            "registered_at": "2026-10-01 00:00:00",
        }
    )
    assert family.registered_at == dt.date(2026, 10, 1)
    assert family.preferred_cities == ("Saltillo", "Monterrey")
    assert family.ties_city is None


def test_isco_code_must_exist_in_the_shipped_isco_list():
    base = {
        "vacancy_id": "V1",
        "employer": "E",
        "title": "Soldador",
        "description": "",
        "city": "Saltillo",
        "state": "Coahuila",
        "positions": "2",
    }
    assert VacancyRow.model_validate({**base, "isco": "7212"}).isco == "7212"
    assert VacancyRow.model_validate({**base, "isco": "72"}).isco == "72"
    with pytest.raises(ValidationError):
        VacancyRow.model_validate({**base, "isco": "7299"})


def test_loaded_dataset_has_typed_columns(good_dir):
    dataset = load_dataset(good_dir)
    people = dataset.people.set_index("person_id")
    assert people.loc["P5", "languages"] == ("ht", "fr", "es")
    assert people.loc["P2", "health_needs"] == ("chronic",)
    assert dataset.families.set_index("family_id").loc["F2", "ties_city"] == "Monterrey"
    assert dataset.resources[0] == "housing_units"
    capacity = dataset.capacity()
    assert capacity.loc["Saltillo", "housing_units"] == 2
    assert capacity["health_slots"].isna().loc["Monterrey"]  # empty cell: unlimited


def test_minimal_people_and_vacancies_load_for_matching(tmp_path):
    (tmp_path / "people.csv").write_text("person_id,skills_text\nP1,soudeur\n", encoding="utf-8")
    (tmp_path / "vacancies.csv").write_text("vacancy_id,title\nV1,Soldador\n", encoding="utf-8")
    dataset = load_dataset(tmp_path, require=("people", "vacancies"), minimal=True)
    assert dataset.people["skills_text"].tolist() == ["soudeur"]
    assert dataset.vacancies["title"].tolist() == ["Soldador"]


def test_unknown_columns_are_a_warning_not_an_error(good_dir):
    people = good_dir / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",notes"] + [line + ",x" for line in lines[1:]]
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from arraigo.data import validate_paths

    dataset, problems = validate_paths([good_dir])
    assert dataset is not None
    assert [(p.column, p.severity) for p in problems] == [("notes", "warning")]


def test_blank_lines_do_not_shift_row_numbers(good_dir):
    from arraigo.data import validate_paths

    people = good_dir / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",9,F,", ",900,F,")  # row 4 as a spreadsheet shows it
    lines.insert(2, "")  # a blank row 3: the broken person is now row 5
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = validate_paths([good_dir])
    assert [(p.row, p.column, p.code) for p in problems] == [(5, "age", "out_of_range")]
