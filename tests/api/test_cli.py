"""The arraigo command line as a user runs it: generate, validate, demo."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[1] / "data" / "corpus"
ARRAIGO = shutil.which("arraigo", path=str(Path(sys.executable).parent)) or "arraigo"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ARRAIGO, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def broken(case: str, tmp_path: Path) -> Path:
    folder = tmp_path / case
    shutil.copytree(CORPUS / "good", folder)
    for path in (CORPUS / "broken" / case).iterdir():
        if path.name != "expected.csv":
            shutil.copy(path, folder / path.name)
    return folder


def test_validate_accepts_the_good_dataset():
    result = run("validate", str(CORPUS / "good"))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert "people: 9" in result.stdout


def test_validate_reports_file_row_column_in_spanish_and_exits_2(tmp_path):
    result = run("validate", str(broken("age_too_high", tmp_path)))
    assert result.returncode == 2
    assert "people.csv" in result.stderr
    assert "130 está fuera del rango permitido" in result.stderr
    assert "no se cargó nada" in result.stderr


def test_validate_speaks_english_on_request(tmp_path):
    result = run("validate", str(broken("vacancy_city_unknown", tmp_path)), "--lang", "en")
    assert result.returncode == 2
    assert "'Queretaro' is not a city in destinations. Did you mean Querétaro?" in result.stderr


def test_validate_json_lists_every_problem(tmp_path):
    result = run("validate", str(broken("many_faults_at_once", tmp_path)), "--json")
    assert result.returncode == 2
    problems = json.loads(result.stdout)
    assert {(p["row"], p["column"], p["code"]) for p in problems} == {
        (2, "sex", "choice"),
        (8, "age", "not_integer"),
    }


def test_generate_is_deterministic_for_a_seed(tmp_path):
    for name in ("a", "b"):
        result = run("generate", "--out", str(tmp_path / name), "--families", "30", "--seed", "5")
        assert result.returncode == 0, result.stderr
    for kind in ("people", "families", "destinations", "vacancies"):
        a = (tmp_path / "a" / f"{kind}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{kind}.csv").read_bytes()
    assert run("validate", str(tmp_path / "a")).returncode == 0


@pytest.mark.parametrize("file_format", ["parquet", "xlsx"])
def test_generate_writes_other_formats_that_validate(tmp_path, file_format):
    out = tmp_path / file_format
    assert (
        run("generate", "--out", str(out), "--families", "10", "--format", file_format).returncode
        == 0
    )
    assert (out / f"people.{file_format}").is_file()
    assert run("validate", str(out)).returncode == 0


def test_demo_runs_offline_end_to_end_and_beats_first_come_first_served(tmp_path):
    out = tmp_path / "demo"
    result = run(
        "demo",
        "--out",
        str(out),
        "--families",
        "40",
        "--history",
        "120",
        "--time-limit",
        "5",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Saltillo" in result.stdout and "ESCO" in result.stdout
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] in ("optimal", "feasible")
    assert plan["baselines"]["arraigo"] >= plan["baselines"]["first_come_first_served"]
    assert plan["score_source"].startswith("outcome model")
    matches = (out / "matches.csv").read_text(encoding="utf-8").splitlines()
    assert matches[0] == "person_id,rank,vacancy_id,score,reason"
    report = (out / "report.html").read_text(encoding="utf-8")
    # The base map travels inside the report: plotly needs no internet to draw it.
    assert 'window.PlotlyGeoAssets = {topojson: {"north-america_110m": {"type":"Topology"' in report
    assert "This service uses the ESCO classification" in report
