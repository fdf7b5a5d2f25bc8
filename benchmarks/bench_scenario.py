"""Scenario generation and validation speed at the programme's monthly scale.

Target (issue 3): ``arraigo generate --families 7500`` (about 25,000 people) in under
a minute on this 2-core machine. Also times validating and loading the written files,
which every command does first.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_scenario.py
"""

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from _results import machine, markdown_table, write_section

from arraigo.data import generate_scenario, load_dataset

FAMILIES = 7500
RUNS = 3


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    generate_times, write_times, load_times = [], [], []
    for run in range(RUNS):
        dataset, seconds = timed(generate_scenario, FAMILIES, seed=run)
        generate_times.append(seconds)
        with tempfile.TemporaryDirectory() as folder:
            _, seconds = timed(dataset.write, Path(folder))
            write_times.append(seconds)
            loaded, seconds = timed(load_dataset, Path(folder))
            load_times.append(seconds)
    tracemalloc.start()
    generate_scenario(FAMILIES, seed=0)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    people, positions = len(loaded.people), int(loaded.vacancies["positions"].sum())
    rows = [
        [
            "generate (median of 3)",
            f"{statistics.median(generate_times):.2f} s",
            "< 60 s",
            f"{60 / statistics.median(generate_times):.0f}x under",
        ],
        ["write CSV", f"{statistics.median(write_times):.2f} s", "", ""],
        ["validate + load CSV", f"{statistics.median(load_times):.2f} s", "", ""],
        ["peak Python memory while generating", f"{peak:.0f} MiB", "", ""],
    ]
    table = markdown_table(["step", "measured", "target", "ratio"], rows)
    body = (
        "## Synthetic scenario (issue 3)\n\n"
        f"{FAMILIES} families, {people} people, {len(loaded.vacancies)} vacancies with "
        f"{positions} positions, 20 destinations.\n\n{table}\n\nMachine: {machine()}\n"
    )
    print(body)
    write_section("scenario", body)


if __name__ == "__main__":
    main()
