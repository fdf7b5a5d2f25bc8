"""Warm `arraigo match` with each taxonomy, in wall time and in CPU time (issue 15).

    python benchmarks/bench_warm_cpu.py [--cache-dir DIR] [--people 75] [--vacancies 3000]

On a shared machine the wall time of a run says more about the other jobs than about
the run; the CPU time the command used (user + system, all its threads) does not. Each
taxonomy runs twice after one run that fills the cache; the section of
benchmarks/RESULTS.md records both times and the load.
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from _results import machine, markdown_table, write_section
from bench_matching_start import _files

from arraigo.data import generate_scenario


def _run(files: tuple[Path, Path], cache: Path, taxonomy: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `arraigo match` in a new process."""
    env = {**os.environ, "ARRAIGO_CACHE_DIR": str(cache), "ARRAIGO_TAXONOMY": taxonomy}
    command = [str(Path(sys.executable).with_name("arraigo")), "match"]
    command += ["--people", str(files[0]), "--vacancies", str(files[1])]
    command += ["--out", str(cache / "matches.csv")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path("bench-warm-cache"))
    parser.add_argument("--people", type=int, default=75)
    parser.add_argument("--vacancies", type=int, default=3000)
    args = parser.parse_args(argv)
    cache = args.cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    scenario = generate_scenario(families=25_000 // 3, vacancies=args.vacancies, seed=1)
    files = _files(scenario, args.people, cache, "warm")
    rows = []
    for taxonomy in ("lexical", "full"):
        _run(files, cache, taxonomy)  # fills the caches
    for _ in range(2):
        for taxonomy in ("lexical", "full"):
            wall, cpu = _run(files, cache, taxonomy)
            load = os.getloadavg()[0]
            rows.append([taxonomy, f"{wall:.2f} s", f"{cpu:.2f} s", f"{load:.1f}"])
            print(rows[-1], flush=True)
    body = markdown_table(["taxonomy", "wall time", "CPU time", "load average (1 min)"], rows)
    write_section(
        "matching-warm-cpu",
        f"## Warm arraigo match, wall and CPU time ({args.people} x {args.vacancies})\n\n"
        + __doc__.split("\n\n")[2].split("This service")[0]
        + f"\n{body}\n\nMachine: {machine()}",
    )


if __name__ == "__main__":
    main()
