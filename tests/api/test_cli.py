"""The arraigo command line as a user runs it: generate, validate, demo."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import free_port, healthy

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
    assert matches[0] == "person_id,rank,vacancy_id,score,reason,details"
    report = (out / "report.html").read_text(encoding="utf-8")
    # The base map travels inside the report: plotly needs no internet to draw it.
    assert 'window.PlotlyGeoAssets = {topojson: {"north-america_110m": {"type":"Topology"' in report
    assert "This service uses the ESCO classification" in report
    # A shadow price says its unit: expected jobs kept at 90 days, with the model trained.
    assert "empleos esperados a 90 días al plan." in report and "outcome model" not in report


def test_serve_with_two_workers_on_a_new_database(tmp_path):
    """`arraigo users add` then `arraigo serve --workers 2`: the empty database is
    created once, and every worker answers sign-in and the API."""
    env = {**os.environ, "ARRAIGO_DATABASE_URL": f"sqlite:///{tmp_path / 'arraigo.sqlite3'}"}
    added = subprocess.run(
        [ARRAIGO, "users", "add", "ana", "--role", "relocation_staff", "--password-stdin"],
        input="clave-de-ana-123\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [ARRAIGO, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=log, stderr=log
    )
    try:
        assert healthy(url, 120)
        token = httpx.post(
            f"{url}/auth/token", data={"username": "ana", "password": "clave-de-ana-123"}
        ).json()["access_token"]
        # New connections each time: both workers get some of them.
        for _ in range(10):
            me = httpx.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.json()["role"] == "relocation_staff"
        assert httpx.get(f"{url}/api/v1/me").status_code == 401
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert text.count("Application startup complete") == 2, text
    assert "Traceback" not in text, text


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads processes from /proc")
def test_workers_stop_when_their_supervisor_is_killed(tmp_path):
    env = {**os.environ, "ARRAIGO_DATABASE_URL": f"sqlite:///{tmp_path / 'arraigo.sqlite3'}"}
    port = free_port()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [ARRAIGO, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while log.read_text().count("startup complete") < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        workers = {p for p in _children(server.pid) if b"spawn_main" in _cmdline(p)}
        assert len(workers) == 2
        server.kill()  # the supervisor alone, as the out-of-memory killer would
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{p}").exists() for p in workers) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(Path(f"/proc/{p}").exists() for p in workers)
    finally:
        with contextlib.suppress(ProcessLookupError):  # nothing of it left: as it should
            os.killpg(server.pid, signal.SIGKILL)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
