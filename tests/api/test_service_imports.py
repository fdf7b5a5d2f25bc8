"""Imports through the service: validated like `arraigo validate`, all or nothing,
idempotent, versioned, with likely duplicates flagged."""

import shutil

from .conftest import CORPUS, upload


def test_health_needs_no_sign_in(anonymous):
    response = anonymous.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_sign_in_with_a_wrong_password_is_refused(anonymous):
    response = anonymous.post("/auth/token", data={"username": "admin", "password": "nope"})
    assert response.status_code == 401


def test_an_import_stores_everything_and_the_same_files_twice_change_nothing(as_role, good_files):
    staff = as_role("relocation_staff")
    first = upload(staff, *good_files).json()
    assert first["ok"]
    assert first["counts"]["people"] == {"new": 9, "updated": 0, "unchanged": 0}
    second = upload(staff, *good_files).json()
    assert second["counts"]["people"] == {"new": 0, "updated": 0, "unchanged": 9}
    assert staff.get("/api/v1/people").json()["total"] == 9


def test_a_broken_file_stores_nothing_and_names_row_and_column(as_role, good_files):
    staff = as_role("relocation_staff")
    broken = CORPUS / "broken" / "age_too_high" / "people.csv"
    others = [p for p in good_files if p.name != "people.csv"]
    response = upload(staff, broken, *others)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [("people.csv", 4, "age")]
    # All or nothing: not even the good files of the same upload were stored.
    assert staff.get("/api/v1/people").json()["total"] == 0
    assert staff.get("/api/v1/destinations").json() == []


def test_a_changed_record_gets_a_new_version_and_keeps_its_history(loaded, tmp_path):
    people = tmp_path / "people.csv"
    text = (CORPUS / "good" / "people.csv").read_text(encoding="utf-8")
    people.write_text(text.replace("P1,F1,34,", "P1,F1,35,"), encoding="utf-8")
    counts = upload(loaded, people).json()["counts"]["people"]
    assert counts == {"new": 0, "updated": 1, "unchanged": 8}
    history = loaded.get("/api/v1/people/P1/history").json()
    assert [(v["version"], v["current"], v["data"]["age"]) for v in history] == [
        (1, False, 34),
        (2, True, 35),
    ]


def test_a_file_is_checked_against_what_is_stored(loaded, tmp_path):
    # A person of a family the service knows is accepted on their own...
    people = tmp_path / "people.csv"
    lines = (CORPUS / "good" / "people.csv").read_text(encoding="utf-8").splitlines()
    people.write_text("\n".join([lines[0], lines[1].replace("P1,", "P10,")]), encoding="utf-8")
    assert upload(loaded, people).status_code == 200
    # ... and a vacancy in a city that is not a destination is refused.
    vacancies = tmp_path / "vacancies.csv"
    shutil.copy(CORPUS / "broken" / "vacancy_city_unknown" / "vacancies.csv", vacancies)
    problems = upload(loaded, vacancies).json()["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [(5, "city", "unknown_city")]


def test_a_dry_run_checks_and_stores_nothing(as_role, good_files):
    staff = as_role("relocation_staff")
    body = upload(staff, *good_files, dry_run=True).json()
    assert body["ok"] and body["dry_run"]
    assert staff.get("/api/v1/people").json()["total"] == 0


def test_likely_duplicates_are_flagged_not_merged(loaded, tmp_path):
    people = tmp_path / "people.csv"
    lines = (CORPUS / "good" / "people.csv").read_text(encoding="utf-8").splitlines()
    twin = lines[1].replace("P1,F1,", "P20,F3,").replace("+52 962 123 4567", "")
    same_phone = lines[5].replace("P5,F2,", "P21,F4,").replace("Jean Pierre", "Juan Pedro")
    people.write_text("\n".join([lines[0], twin, same_phone]), encoding="utf-8")
    body = upload(loaded, people).json()
    assert body["duplicates_flagged"] == 2
    flags = loaded.get("/api/v1/duplicates").json()
    assert {(f["person_a"], f["person_b"], f["reason"]) for f in flags} == {
        ("P1", "P20", "same_name_age"),
        ("P21", "P5", "same_phone"),
    }
    assert loaded.get("/api/v1/people").json()["total"] == 11  # nobody merged


def test_an_officer_may_import_vacancies_but_not_people(as_role, loaded, good_files):
    officer = as_role("employment_officer")
    vacancies = next(p for p in good_files if p.name == "vacancies.csv")
    people = next(p for p in good_files if p.name == "people.csv")
    assert upload(officer, vacancies).status_code == 200
    refused = upload(officer, people)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["code"] == "kind_not_allowed"


def test_every_import_is_in_the_audit_log(as_role, loaded):
    entries = as_role("admin").get("/api/v1/audit", params={"action": "import"}).json()
    assert {e["entity"] for e in entries["items"]} == {
        "people",
        "families",
        "destinations",
        "vacancies",
        "outcomes",
    }
    assert {e["username"] for e in entries["items"]} == {"relocation_staff"}
