"""Candidate recall: does the engine's top 10 hold the best 10 of all vacancies? (issue 15)

    python benchmarks/bench_matching_recall.py [--people 200] [--vacancies 3000] [--seed 3]

The engine scores only candidates: for each person, the union of the nearest postings
by embedding, by character n-grams and of the same or a related ISCO group (a staff
correction included). Scoring every (person, vacancy) pair gives the exact top 10 to
compare with, for the union and for embedding neighbours alone (what the engine did
before). Then each person gets a staff correction to the unit group of a posting the
embedding does not bring among its nearest, as when an officer fixes an occupation the
engine misread: the corrected group's postings must now reach the top 10.
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
from _results import machine, markdown_table, write_section

from arraigo.data import generate_scenario, working_members
from arraigo.matching import Matcher
from arraigo.matching._matcher import _keep_best
from arraigo.matching._profiles import CORRECTED_COLUMN
from arraigo.matching._search import best_of


class EmbeddingOnly(Matcher):
    """The engine as it was: candidates are the embedding's nearest postings only."""

    def _recall_scores(self, profiles, person, vacancy):
        return {"embedding": super()._recall_scores(profiles, person, vacancy)["embedding"]}


def _top(scored: pd.DataFrame, k: int) -> dict[int, pd.DataFrame]:
    best = _keep_best(scored, "person", k)
    return {person: rows for person, rows in best.groupby("person")}


def _exact(matcher: Matcher, profiles, k: int) -> dict[int, pd.DataFrame]:
    """Every pair scored, the best ``k`` kept per person."""
    n_people, n_vacancies = len(profiles.ids), len(matcher.vacancy_ids_)
    tops = {}
    for start in range(0, n_people, 20):
        people = np.arange(start, min(start + 20, n_people))
        person = np.repeat(people, n_vacancies)
        vacancy = np.tile(np.arange(n_vacancies), len(people))
        tops.update(_top(matcher._score(profiles, person, vacancy), k))
    return tops


def _engine(matcher: Matcher, profiles, k: int) -> dict[int, pd.DataFrame]:
    everyone, every_vacancy = np.arange(len(profiles.ids)), np.arange(len(matcher.vacancy_ids_))
    person, vacancy = matcher._candidates(profiles, everyone, every_vacancy, k, "person")
    return _top(matcher._score(profiles, person, vacancy), k)


def _agreement(exact: dict, found: dict, k: int) -> tuple[float, float, float]:
    """(share of the exact top k found, share of people whose top k scores are the exact
    ones (ties count as found), share of the exact top k's total score reached)."""
    recall, complete, value = [], [], []
    for person, best in exact.items():
        got = found.get(person, best.iloc[:0])
        recall.append(len(set(best["vacancy"]) & set(got["vacancy"])) / len(best))
        want, have = np.sort(best["score"].to_numpy()), np.sort(got["score"].to_numpy())
        complete.append(len(have) == len(want) and bool(np.allclose(have, want, atol=1e-6)))
        value.append(have.sum() / max(want.sum(), 1e-9))
    return float(np.mean(recall)), float(np.mean(complete)), float(np.mean(value))


def _corrections(matcher: Matcher, profiles, rng: np.random.Generator) -> np.ndarray:
    """For each person, an ISCO unit group (as text) of a posting outside their
    ``n_candidates`` embedding neighbours and of another group than they were read as."""
    n_vacancies = len(matcher.vacancy_ids_)
    everyone = np.arange(len(profiles.ids))
    cosine = matcher._recall_scores(profiles, everyone, np.arange(n_vacancies))["embedding"]
    near, _ = best_of(cosine, min(matcher.n_candidates, n_vacancies))
    groups = matcher.vacancy_isco_
    chosen = []
    for person in everyone:
        read = set(profiles.occ_isco[person].tolist())
        far = np.setdiff1d(np.arange(n_vacancies), near[person])
        far = far[(groups[far] >= 1000) & ~np.isin(groups[far], list(read))]
        chosen.append(str(groups[rng.choice(far)]) if len(far) else "")
    return np.array(chosen, dtype=object)


def _corrected_share(matcher: Matcher, found: dict, corrected: np.ndarray, k: int) -> float:
    """Mean over people of the corrected group's postings in their top ``k``, out of as
    many as could be there (the group's postings, at most ``k``)."""
    groups = matcher.vacancy_isco_
    shares = []
    for person, rows in found.items():
        group = int(corrected[person])
        inside = np.sum(groups[rows["vacancy"].to_numpy()] == group)
        shares.append(inside / min(k, int(np.sum(groups == group))))
    return float(np.mean(shares))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--vacancies", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    scenario = generate_scenario(families=1000, vacancies=args.vacancies, seed=args.seed)
    adults = scenario.people[working_members(scenario.people)]
    people = adults.sample(n=min(args.people, len(adults)), random_state=args.seed)

    started = time.perf_counter()
    union = Matcher().fit(scenario.vacancies)
    embedding_only = EmbeddingOnly(encoder=union.encoder_, taxonomy=union.taxonomy_)
    embedding_only.fit(scenario.vacancies)
    rows = []
    profiles = union.read_people(people)
    exact = _exact(union, profiles, args.k)
    for name, matcher in (
        ("embedding neighbours only (before)", embedding_only),
        ("union: embedding, n-grams, ISCO group (engine)", union),
    ):
        found = _engine(matcher, profiles, args.k)
        recall, complete, value = _agreement(exact, found, args.k)
        rows.append(["as read", name, f"{recall:.3f}", f"{complete:.3f}", f"{value:.3f}", ""])
        print(rows[-1], flush=True)

    corrected = _corrections(union, profiles, rng)
    keep = corrected != ""
    people = people[keep].assign(**{CORRECTED_COLUMN: corrected[keep]})
    corrected = corrected[keep]
    profiles = union.read_people(people)
    exact = _exact(union, profiles, args.k)
    rows.append(
        [
            "corrected",
            "every pair scored (exact)",
            "1.000",
            "1.000",
            "1.000",
            f"{_corrected_share(union, exact, corrected, args.k):.3f}",
        ]
    )
    for name, matcher in (
        ("embedding neighbours only (before)", embedding_only),
        ("union: embedding, n-grams, ISCO group (engine)", union),
    ):
        found = _engine(matcher, profiles, args.k)
        recall, complete, value = _agreement(exact, found, args.k)
        share = _corrected_share(union, found, corrected, args.k)
        rows.append(
            ["corrected", name, f"{recall:.3f}", f"{complete:.3f}", f"{value:.3f}", f"{share:.3f}"]
        )
        print(rows[-1], flush=True)

    header = [
        "profiles",
        "candidates",
        f"recall of the exact top {args.k}",
        f"people with the exact top {args.k}",
        "score reached",
        f"corrected group in the top {args.k}",
    ]
    body = markdown_table(header, rows)
    load = os.getloadavg()
    write_section(
        "matching-recall",
        "## Candidate recall and corrections (issue 15)\n\n"
        f"{len(people)} working-age people of the synthetic scenario (seed {args.seed}) "
        f"against {len(scenario.vacancies):,} postings, the default engine (e5-small, "
        f"full taxonomy), `n_candidates` {union.n_candidates} per channel. The exact top "
        f"{args.k} scores every pair; a person has it when their top {args.k} scores are "
        "the exact ones (equal scores are "
        "interchangeable). *As read*: the profiles as the "
        "engine reads them. *Corrected*: each person given a staff correction "
        "(`occupation_isco`) to the unit group of a posting outside their embedding "
        "neighbours, of another group than the one read; the last column is how many of "
        f"that group's postings reach their top {args.k}, out of as many as could (the group's "
        f"postings, at most {args.k}).\n\n"
        f"{body}\n\n"
        f"Run took {time.perf_counter() - started:.0f} s; accuracy does not depend on load "
        f"(load average {load[0]:.1f} at the end). Machine: {machine()} "
        "`python benchmarks/bench_matching_recall.py`.",
    )


if __name__ == "__main__":
    main()
