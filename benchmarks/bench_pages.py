"""Every list page at the programme's scale: the 7,500-family scenario (`arraigo generate
--families 7500`, about 25,000 people and 6,750 vacancies) imported into a SQLite file
through the import service, 2,000 of its families placed (as an approval would, without
solving), then each list page asked as a signed-in caseworker through the app in
process: the first page, a page past row 1,000, and a search; and the candidates for
one vacancy, first ask and again. Targets: under 1 s a page, under 2 s for candidates.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_pages.py \
        [--families 7500] [--placed 2000] [--keep DIR]

The matcher is fitted, and the working-age people read for it, after the page timings
and timed on their own (a service does both in the background after each import; the
first fit of a fresh cache encodes every posting once).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import machine, markdown_table, write_section
from fastapi.testclient import TestClient

from arraigo.api.app import create_app
from arraigo.api.db import PlanJob
from arraigo.api.services.imports import run_import
from arraigo.api.services.placements import place_families
from arraigo.api.services.store import current_frame
from arraigo.api.services.users import create_user
from arraigo.api.settings import Settings

ARRAIGO = shutil.which("arraigo", path=str(Path(sys.executable).parent)) or "arraigo"
PASSWORD = "clave-de-bancos-123"
PAGE_TARGET, CANDIDATES_TARGET = 1.0, 2.0


def build(folder: Path, families: int, placed: int) -> Settings:
    """The scenario generated, imported and partly placed; the service's settings."""
    scenario = folder / "scenario"
    subprocess.run(
        [ARRAIGO, "generate", "--out", str(scenario), "--families", str(families)],
        check=True,
        capture_output=True,
    )
    settings = Settings(
        database_url=f"sqlite:///{folder / 'arraigo.sqlite3'}",
        cookie_secure=False,
        cache_dir=str(folder / "cache"),
    )
    app = create_app(settings)
    with app.state.sessions() as session:
        staff = create_user(session, "staff", "relocation_staff", PASSWORD)
        files = [(p.name, p.read_bytes()) for p in sorted(scenario.glob("*.csv"))]
        started = time.perf_counter()
        result = run_import(session, files, staff)
        assert result.ok, result.problems[:5]
        print(f"import: {time.perf_counter() - started:.1f} s", flush=True)
        families_frame = current_frame(session, "families")
        cities = current_frame(session, "destinations")["city"].tolist()
        chosen = families_frame["family_id"].head(placed).tolist()
        plan = PlanJob(created_by="staff", status="approved", params={}, result={})
        session.add(plan)
        session.flush()
        cities_of = {f: cities[i % len(cities)] for i, f in enumerate(chosen)}
        place_families(session, staff, plan.id, cities_of, {})
        session.commit()
    app.state.runner.shutdown()
    app.state.engine.dispose()
    return settings


def timed(
    client: TestClient, url: str, headers: dict[str, str], repeat: int = 3
) -> tuple[float, float, int]:
    """Seconds of the first ask and the best of ``repeat``, and the status code."""
    times, code = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        code = response.status_code
    return times[0], min(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=7500)
    parser.add_argument("--placed", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database in DIR")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="arraigo-bench-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "arraigo.sqlite3").exists():
        settings = Settings(
            database_url=f"sqlite:///{folder / 'arraigo.sqlite3'}",
            cookie_secure=False,
            cache_dir=str(folder / "cache"),
        )
    else:
        settings = build(folder, args.families, args.placed)
    app = create_app(settings)
    pages = [
        ("Placements by family", "/placements"),
        ("Placements past row 1,000", "/placements?offset=1000"),
        ("Placements, search", "/placements?q=maria"),
        ("Placements, city filter", "/placements?city=Monterrey&offset=100"),
        ("People search", "/candidates?q=maria"),
        ("People search past row 1,000", "/candidates?q=a&offset=1000"),
        ("Vacancy search", "/candidates?vq=soldador"),
        ("Vacancies past row 1,000", "/candidates?vq=a&voffset=1000"),
        ("Plans (form and list)", "/plans"),
        ("Data", "/data"),
        ("API people past row 1,000", "/api/v1/people?offset=1000&limit=50"),
        ("API families waiting, search", "/api/v1/families?q=F0075&waiting=true"),
        ("API vacancies past row 1,000", "/api/v1/vacancies?offset=1000&limit=50"),
        ("API placements past row 1,000", "/api/v1/placements?offset=1000&limit=50"),
    ]
    candidates = [
        ("Candidates for a vacancy", "/candidates?vacancy_id=V000001"),
        ("Candidates for another vacancy", "/candidates?vacancy_id=V003001"),
    ]
    # Without the app's lifespan: no background refit competes with the timings; the
    # matcher and the people it ranks are read below, timed on their own.
    client = TestClient(app, headers={"Origin": "http://testserver"})
    signed = client.post("/sign-in", data={"username": "staff", "password": PASSWORD})
    assert signed.status_code in (200, 303), signed.text
    token = client.post("/auth/token", data={"username": "staff", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    rows: list[list[object]] = []
    notes: list[str] = []

    def ask(label: str, url: str, target: float) -> None:
        headers = bearer if url.startswith("/api/") else {}
        first, best, code = timed(client, url, headers)
        verdict = "yes" if first < target else "NO"
        rows.append([label, f"`{url}`", code, f"{first:.2f}", f"{best:.2f}", verdict])
        print(f"{label:34} {code} first {first:6.2f} s  best {best:6.2f} s  {verdict}", flush=True)

    for label, url in pages:
        ask(label, url, PAGE_TARGET)
    write_section("pages", report(args, rows, notes))
    with app.state.sessions() as session:
        started = time.perf_counter()
        fitted = app.state.matching.fitted_matcher(session)
        notes.append(f"matcher fitted in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        app.state.matching.candidate_pool(session, fitted)
        notes.append(
            f"working-age people read for candidates in {time.perf_counter() - started:.0f} s "
            "(once per version of the records, in the background after an import)"
        )
        session.commit()
    print("; ".join(notes), flush=True)
    for label, url in candidates:
        ask(label, url, CANDIDATES_TARGET)
    write_section("pages", report(args, rows, notes))
    app.state.runner.shutdown()


def report(args: argparse.Namespace, rows: list[list[object]], notes: list[str]) -> str:
    one, five, _ = os.getloadavg()
    header = ["list", "address", "status", "first ask (s)", "best of 3 (s)", "under target"]
    return (
        "## Pages at the programme's scale (issue 13)\n\n"
        f"{args.families:,} families generated and imported into SQLite, {args.placed:,} of "
        "them placed; each page asked by a signed-in caseworker through the app in process "
        f"(targets: {PAGE_TARGET:.0f} s a page, {CANDIDATES_TARGET:.0f} s for candidates)"
        + (f"; {'; '.join(notes)}" if notes else "")
        + ".\n\n"
        + markdown_table(header, rows)
        + f"\n\n{machine()} Load average {one:.1f} (1 min), {five:.1f} (5 min) at the end "
        "(the machine is shared: numbers under load are upper bounds). "
        "`python benchmarks/bench_pages.py`."
    )


if __name__ == "__main__":
    main()
