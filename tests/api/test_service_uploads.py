"""Uploads cannot hurt the service: spreadsheets declaring huge sheets are refused before
parsing, problems are capped and counted, bodies are bounded before they are read."""

import json
import time
import zipfile
from pathlib import Path

import pandas as pd

from arraigo.api.services.imports import MAX_PROBLEMS_SHOWN

from .conftest import upload


def declared_bomb(folder: Path) -> Path:
    """A tiny .xlsx whose sheet declares 20,000 rows x 5,015 columns (A1:GJW20000)."""
    plain = folder / "plain.xlsx"
    pd.DataFrame({"vacancy_id": ["V1"], "city": ["Saltillo"]}).to_excel(plain, index=False)
    bomb = folder / "vacancies.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:GJW20000"')
                data = data.replace(b'<row r="2"', b'<row r="20000"')
            target.writestr(item, data)
    return bomb


def test_a_spreadsheet_declaring_a_huge_sheet_is_refused_at_once(as_role, tmp_path):
    bomb = declared_bomb(tmp_path)
    assert bomb.stat().st_size < 10_000
    started = time.monotonic()
    answer = upload(as_role("relocation_staff"), bomb, dry_run=True)
    assert time.monotonic() - started < 2
    assert answer.status_code == 422
    assert answer.json()["problem_counts"] == {"file_too_large": 1}
    assert "20000 x 5015" in answer.json()["problems"][0]["message_en"]


def test_a_file_with_countless_problems_gets_a_short_answer_with_counts(as_role, tmp_path):
    wide = tmp_path / "vacancies.csv"
    header = ",".join(["vacancy_id", "city", *(f"extra{i}" for i in range(990))])
    wide.write_text(header + "\n" + "V1,Saltillo\n", encoding="utf-8")
    answer = upload(as_role("relocation_staff"), wide, dry_run=True)
    assert answer.status_code == 422
    body = answer.json()
    assert len(body["problems"]) == MAX_PROBLEMS_SHOWN
    assert body["problems_total"] > MAX_PROBLEMS_SHOWN
    assert sum(body["problem_counts"].values()) == body["problems_total"]
    assert len(answer.content) < 200_000


def test_a_request_body_larger_than_its_path_accepts_is_refused(as_role):
    staff = as_role("relocation_staff")
    big = json.dumps({"time_limit": 1, "padding": "x" * 2**21})
    declared = staff.post(
        "/api/v1/plans", content=big, headers={"Content-Type": "application/json"}
    )
    assert declared.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(3):
            yield b"x" * 2**20

    streamed = staff.post(
        "/api/v1/plans", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert staff.get("/api/v1/plans").status_code == 200


def test_an_upload_without_a_valid_credential_is_refused(anonymous, good_files):
    files = [("files", (p.name, p.read_bytes())) for p in good_files]
    assert anonymous.post("/api/v1/imports", files=files).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert anonymous.post("/api/v1/imports", files=files, headers=forged).status_code == 401
    page = anonymous.post("/data", files=files, headers={"Origin": "http://testserver"})
    assert page.status_code == 401
