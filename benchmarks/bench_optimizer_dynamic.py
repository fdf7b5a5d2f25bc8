"""A season of weekly relocations (issue 5): greedy, myopic and LP-priced planning
against the hindsight optimum.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_optimizer_dynamic.py``
Prints a table and writes the ``bench:optimizer-dynamic`` section of RESULTS.md.

12 weekly batches of families drawn from the synthetic scenario; capacity and vacancy
positions refill at the start of each 4-week month. Families not placed in their week
are not carried over (the comparison is the placement policy). The dynamic method
samples past arrivals (a separate history drawn from the same scenario) to stand in for
the rest of the month and charges capacity at the LP duals (bid prices).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _results import machine, markdown_table, write_section
from bench_optimizer import job_scores, scenario

from arraigo.optimizer import (
    PlanOptions,
    SolveParams,
    hindsight,
    instance_from_frames,
    simulate_season,
)

WEEKS, PER_WEEK, HISTORY, WEEKS_PER_MONTH = 12, 100, 400, 4
FUTURES = 5


def season(seed: int, tightness: float):
    """A pool of families, its weekly batches, a history, and a month's capacity."""
    families = WEEKS * PER_WEEK + HISTORY
    dataset = scenario(families, seed=seed, tightness=tightness, positions_per_family=1.5)
    pool = instance_from_frames(dataset, member_vacancy_scores=job_scores(dataset, 2, seed))
    # The scenario sizes capacity for the whole pool; a month receives a third of the
    # season's arrivals (and the history is not part of the season).
    month_share = WEEKS_PER_MONTH * PER_WEEK / families
    pool = pool.with_capacity(
        np.floor(pool.capacity * month_share),
        np.maximum(np.floor(pool.positions * month_share * 1.5), 1).astype(np.int64),
    )
    order = np.random.default_rng(seed).permutation(families)
    weeks = [order[w * PER_WEEK : (w + 1) * PER_WEEK] for w in range(WEEKS)]
    return pool, weeks, order[WEEKS * PER_WEEK :]


def main() -> None:
    options = PlanOptions(preference_weight=0.0, vulnerability_weight=0.0)
    params = SolveParams(time_limit=5.0, relative_gap=1e-4)
    rows = []
    for seed, tightness in ((21, 0.6), (22, 0.8)):
        pool, weeks, history = season(seed, tightness)
        start = time.perf_counter()
        best, bound = hindsight(
            pool, weeks, weeks_per_month=WEEKS_PER_MONTH, options=options,
            params=replace(params, time_limit=30.0),
        )  # fmt: skip
        rows.append([f"{tightness:.0%}", "hindsight optimum", f"{best:.1f}", "100%",
                     f"{bound:.1f}", f"{time.perf_counter() - start:.0f}"])  # fmt: skip
        for method, futures in (("greedy", 1), ("myopic", 1), ("dynamic", 1), ("dynamic", FUTURES)):
            start = time.perf_counter()
            result = simulate_season(
                pool, weeks, history, method, weeks_per_month=WEEKS_PER_MONTH,
                options=options, params=params, seed=seed, futures=futures,
            )  # fmt: skip
            name = f"{method}, {futures} sampled futures" if futures > 1 else method
            rows.append([f"{tightness:.0%}", name, f"{result.total:.1f}",
                         f"{result.total / best:.1%}", "",
                         f"{time.perf_counter() - start:.0f}"])  # fmt: skip
        print(markdown_table(HEADER, rows), flush=True)
    body = "\n\n".join([
        "## Relocation over a season (issue 5)",
        f"{WEEKS} weekly batches of {PER_WEEK} families (synthetic scenario, job scores "
        "as in the optimizer benchmark), capacity and positions refilled every "
        f"{WEEKS_PER_MONTH} weeks; expected jobs realised. Greedy: first come, first "
        "served. Myopic: the optimal plan of each week alone. Dynamic: each week's plan "
        f"with capacity priced by LP duals over the week plus {HISTORY}-family history "
        f"samples for the rest of the month (with {FUTURES} sampled futures: the mean of "
        "their duals). Hindsight: each month planned knowing all "
        "its arrivals (the bound column is its proven upper bound).",
        markdown_table(HEADER, rows),
        f"Machine: {machine()} Load average when the run started: {LOAD:.1f}.",
    ])  # fmt: skip
    write_section("optimizer-dynamic", body)


HEADER = ["capacity vs demand", "method", "expected jobs", "vs hindsight", "bound", "seconds"]

LOAD = os.getloadavg()[0]

if __name__ == "__main__":
    main()
