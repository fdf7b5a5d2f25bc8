"""Load on the service: concurrent clients asking top-10 matches over 50,000 vacancies.

For each database (SQLite file; PostgreSQL when ARRAIGO_BENCH_DATABASE_URL names a
server, or a throwaway one started with .ci/postgres) and each thread count compared,
`arraigo serve --workers 2` runs in a subprocess on 127.0.0.1, the batch is imported
through `POST /api/v1/imports`, the matcher is fitted (embeddings are cached on disk at
ARRAIGO_CACHE_DIR), every person is asked once, then CLIENTS clients ask
`GET /api/v1/people/{id}/matches?k=10` for SECONDS seconds. Loopback only, bounded.
The clients are wrk (Debian package `wrk`) when installed, else an asyncio client.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benchmarks/bench_service_load.py [--seconds 60] [--clients 50]

The postings share a pool of distinct texts (SNE postings repeat their templates): a
ranking scores every one of the 50,000 vacancies whatever the pool size; the pool only
bounds the one-off encoding of the fit on a two-core machine.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np
from _results import machine, markdown_table, write_section
from sqlalchemy import create_engine, text

from arraigo.data import Dataset, generate_scenario

ROOT = Path(__file__).resolve().parents[1]
ARRAIGO = shutil.which("arraigo", path=str(Path(sys.executable).parent)) or "arraigo"
WRK = shutil.which("wrk")
PASSWORD = "clave-de-carga-123"
TEXT_COLUMNS = ["title", "description", "isco", "education_min", "requires"]


def batch(vacancies: int, texts: int, families: int, seed: int) -> Dataset:
    """A scenario with ``vacancies`` postings whose texts come from ``texts`` templates."""
    scenario = generate_scenario(families=families, seed=seed, vacancies=vacancies)
    postings = scenario.vacancies
    pool = postings.drop_duplicates(["title", "description"]).head(texts)
    pick = np.random.default_rng(seed).integers(len(pool), size=len(postings))
    templated = pool[TEXT_COLUMNS].iloc[pick].reset_index(drop=True)
    postings = postings.drop(columns=TEXT_COLUMNS).reset_index(drop=True).join(templated)
    return replace(scenario, vacancies=postings[scenario.vacancies.columns])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server URL: ARRAIGO_BENCH_DATABASE_URL, else a throwaway one, else None."""
    given = os.environ.get("ARRAIGO_BENCH_DATABASE_URL")
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="arraigo-bench-pg-")
    script = ROOT / ".ci" / "postgres"
    started = subprocess.run([script, "start", folder], capture_output=True, text=True)
    if started.returncode != 0:
        print(f"no PostgreSQL: {started.stderr.strip()}", file=sys.stderr)
        yield None
        return
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", folder], check=False)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new database on a PostgreSQL server, dropped afterwards."""
    name = f"arraigo_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def service(
    database_url: str, workdir: Path, cache_dir: Path, workers: int, threads: int
) -> Iterator[str]:
    """`arraigo serve` on a loopback port with an admin user; yields its base URL."""
    env = {
        **os.environ,
        "ARRAIGO_DATABASE_URL": database_url,
        "ARRAIGO_CACHE_DIR": str(cache_dir),
        "ARRAIGO_THREADS": str(threads),
    }
    subprocess.run(
        [ARRAIGO, "users", "add", "bench", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [ARRAIGO, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the server did not start; see {workdir / 'server.log'}")
            time.sleep(0.3)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def sign_in(url: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/auth/token", data={"username": "bench", "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


# wrk's Lua hooks: a random person per request; an answer that is not 200 with ten
# matches counts as an error; the summary is printed as one JSON line.
WRK_SCRIPT = """
local people = {%(people)s}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args) bad = 0; math.randomseed(id * 7919) end
function request()
  local person = people[math.random(#people)]
  return wrk.format("GET", "/api/v1/people/" .. person .. "/matches?k=10")
end
function response(status, headers, body)
  local _, ranks = string.gsub(body, '"rank":', "")
  if status ~= 200 or ranks ~= 10 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "wrong": %%d, "socket_errors": %%d, "seconds": %%f, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, wrong, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


def load_wrk(
    url: str, headers: dict[str, str], people: list[str], clients: int, seconds: float
) -> dict[str, float]:
    """``clients`` connections kept busy by wrk (two threads, in C) for ``seconds``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % {"people": ", ".join(f'"{p}"' for p in people)})
        script.flush()
        run = subprocess.run(
            [
                WRK,
                f"-t{min(2, clients)}",
                f"-c{clients}",
                f"-d{seconds:.0f}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                *[f"-H{name}: {value}" for name, value in headers.items()],
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    return {
        "requests": found["requests"],
        "errors": found["wrong"] + found["socket_errors"],
        "seconds": found["seconds"],
        **{q: found[q] / 1e6 for q in ("p50", "p95", "p99")},
    }


async def load(
    url: str, headers: dict[str, str], people: list[str], clients: int, seconds: float
) -> tuple[np.ndarray, int, int, float]:
    """``clients`` clients asking top-10 matches back to back for ``seconds``.

    Returns the latencies of successful answers (s), the number of errors (non-200 or
    failed requests), all requests, and the wall time.
    """
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=30
    ) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def one_client(seed: int) -> None:
            nonlocal errors
            rng = np.random.default_rng(seed)
            while time.perf_counter() < deadline:
                person = people[rng.integers(len(people))]
                sent = time.perf_counter()
                try:
                    answer = await client.get(f"/api/v1/people/{person}/matches", params={"k": 10})
                    ok = answer.status_code == 200 and len(answer.json()) == 10
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(one_client(seed) for seed in range(clients)))
        wall = time.perf_counter() - start
    return np.array(latencies), errors, len(latencies) + errors, wall


def measure(
    url: str, headers: dict[str, str], people: list[str], clients: int, seconds: float
) -> dict[str, float]:
    """Requests, errors, wall seconds and p50/p95/p99 (s): wrk when installed (a C
    client that leaves the cores to the server), else the asyncio client."""
    if WRK:
        return load_wrk(url, headers, people, clients, seconds)
    latencies, errors, requests, wall = asyncio.run(load(url, headers, people, clients, seconds))
    quantiles = {
        q: float(np.percentile(latencies, int(q[1:]))) if len(latencies) else float("nan")
        for q in ("p50", "p95", "p99")
    }
    return {"requests": requests, "errors": errors, "seconds": wall, **quantiles}


def run(
    name: str,
    database_url: str,
    files: list[Path],
    people: list[str],
    args,
    cache_dir: Path,
    threads: int,
    cache: str,
) -> list[object]:
    with (
        tempfile.TemporaryDirectory(prefix="arraigo-bench-") as folder,
        tempfile.TemporaryDirectory(prefix="arraigo-bench-cache-") as empty,
        service(
            database_url,
            Path(folder),
            Path(empty) if cache == "fresh" else cache_dir,
            args.workers,
            threads,
        ) as url,
    ):
        headers = sign_in(url)
        started = time.perf_counter()
        payload = [("files", (p.name, p.read_bytes())) for p in files]
        answer = httpx.post(f"{url}/api/v1/imports", files=payload, headers=headers, timeout=3600)
        answer.raise_for_status()
        imported = time.perf_counter() - started
        print(f"{name}: imported in {imported:.1f} s", flush=True)

        # The first request fits the matcher (encodes the vacancies once, cached on disk).
        def ask(person: str) -> float:
            sent = time.perf_counter()
            answer = httpx.get(
                f"{url}/api/v1/people/{person}/matches",
                params={"k": 10},
                headers=headers,
                timeout=3600,
            )
            answer.raise_for_status()
            return time.perf_counter() - sent

        fitted = ask(people[0])
        print(f"{name}: matcher fitted in {fitted:.1f} s", flush=True)
        # Every worker refits in the background after the import (checking every few
        # seconds); give the others the time their fit takes before the clock starts.
        time.sleep(fitted + 10)
        # Each person asked once, one at a time: their profile is read and ranked over
        # every vacancy (what a person nobody asked about yet costs).
        first = np.array([ask(person) for person in people[1:]])
        print(f"{name}: first asks p50 {np.median(first) * 1000:.0f} ms", flush=True)
        # One client alone first: the time a request costs the server, without queueing.
        alone = measure(url, headers, people, 1, args.alone_seconds)
        busy = measure(url, headers, people, args.clients, args.seconds)
    row = [
        name,
        threads,
        cache,
        f"{imported:.0f} s",
        f"{fitted:.1f} s",
        f"{np.percentile(first, 50) * 1000:.0f} / {np.percentile(first, 95) * 1000:.0f} ms",
        f"{alone['p50'] * 1000:.1f} ms",
        f"{busy['requests']:,}",
        f"{busy['requests'] / busy['seconds']:.0f}",
        *[f"{busy[q] * 1000:.0f} ms" for q in ("p50", "p95", "p99")],
        busy["errors"],
        "yes" if busy["p95"] <= 0.2 and busy["errors"] == 0 else "no",
    ]
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--texts", type=int, default=400, help="distinct posting texts")
    parser.add_argument("--families", type=int, default=2_000)
    parser.add_argument("--people", type=int, default=200, help="people the clients ask about")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="arraigo serve --workers")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[8],
        help="ARRAIGO_THREADS to compare (8: the service's default; 40: FastAPI's)",
    )
    parser.add_argument(
        "--caches",
        nargs="+",
        choices=["warm", "fresh"],
        default=["warm", "fresh"],
        help="embedding cache: warm (ARRAIGO_CACHE_DIR, filled by earlier runs) or fresh "
        "(an empty directory: every text encoded during the fit)",
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--alone-seconds", type=float, default=10.0, help="one client first")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()

    cache_dir = Path(os.environ.get("ARRAIGO_CACHE_DIR", ROOT / ".arraigo-cache"))
    dataset = batch(args.vacancies, args.texts, args.families, seed=11)
    working = dataset.people[dataset.people["age"].between(18, 64)]["person_id"]
    people = working.sample(args.people, random_state=11).astype(str).tolist()
    rows = []
    with tempfile.TemporaryDirectory(prefix="arraigo-bench-data-") as folder:
        files = dataset.write(folder)
        for threads in args.threads:
            for cache in args.caches:
                if "sqlite" in args.databases:
                    url = f"sqlite:///{Path(folder) / f'bench-{threads}-{cache}.sqlite3'}"
                    rows.append(run("SQLite", url, files, people, args, cache_dir, threads, cache))
                if "postgresql" in args.databases:
                    with postgres_server() as server:
                        if server is None:
                            rows.append(["PostgreSQL", threads, cache, "not run: no server"])
                            rows[-1] += [""] * 10
                            continue
                        with fresh_database(server) as url:
                            rows.append(
                                run(
                                    "PostgreSQL",
                                    url,
                                    files,
                                    people,
                                    args,
                                    cache_dir,
                                    threads,
                                    cache,
                                )
                            )

    header = [
        "database",
        "threads",
        "embedding cache",
        "import",
        "matcher fit",
        "first ask p50 / p95",
        "again, alone p50",
        "requests",
        "req/s",
        "p50",
        "p95",
        "p99",
        "errors",
        "p95 <= 200 ms, 0 errors",
    ]
    table = markdown_table(header, rows)
    print(table)
    if args.no_write:
        return
    load_avg = os.getloadavg()[0]
    client = "wrk (C, two threads)" if WRK else "httpx (asyncio, in the benchmark's process)"
    body = (
        "### Service load: top-10 matches over "
        f"{args.vacancies:,} vacancies\n\n"
        f"`arraigo serve --workers {args.workers}` on 127.0.0.1, each worker with "
        '"threads" worker threads (`ARRAIGO_THREADS`); '
        f"{args.clients} concurrent clients ({client}, on the same machine) ask "
        f"`GET /api/v1/people/{{id}}/matches?k=10` for {args.seconds:.0f} s about "
        f"{args.people} working-age people (of {len(dataset.people):,}), a random one each "
        f"time; postings built from {args.texts} distinct texts. An answer that is not "
        "200 with ten matches counts as an error.\n\n"
        "Before the clock: the import; the first request, which fits the matcher (the "
        "other worker refits in the background) and, with a fresh embedding cache (an "
        "empty ARRAIGO_CACHE_DIR), encodes every text; each person asked once, one at a time "
        '("first ask": their profile ranked over every vacancy, the cost of a person '
        'nobody asked about yet); then one client alone ("again, alone": a kept '
        "ranking, without queueing). The clock then measures answers that are kept "
        "while nothing they depend on changes: in each worker's memory and in a table "
        "the workers share.\n\n"
        f"{table}\n\n"
        f"Machine: {machine()} Load average at the end {load_avg:.1f}."
    )
    write_section("service_load", body)


if __name__ == "__main__":
    main()
