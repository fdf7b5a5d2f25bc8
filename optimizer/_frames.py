"""From the data contract's tables and a score table to an :class:`Instance`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from arraigo.data import Dataset, working_members

from ._instance import NO_CITY, Instance

VULNERABLE_NEEDS = frozenset({"chronic", "disability", "pregnancy", "mental_health"})


def instance_from_frames(
    dataset: Dataset,
    *,
    member_vacancy_scores: pd.DataFrame | None = None,
    member_city_scores: pd.DataFrame | None = None,
    family_city_scores: pd.DataFrame | None = None,
    locks: Mapping[str, str] | None = None,
    forbidden: pd.DataFrame | None = None,
) -> Instance:
    """Index a validated dataset and its scores for the optimizer.

    Scores: ``member_vacancy_scores`` (person_id, vacancy_id, score) are job success
    probabilities; ``member_city_scores`` (person_id, city, score) are location-only
    ones, summed over the family's working members; ``family_city_scores`` (family_id,
    city, score, e.g. a ``--scores`` file) replace both for the families they name. A
    member–vacancy pair without a score is treated as incompatible. ``locks`` maps
    family_id to the city staff fixed; ``forbidden`` (family_id, city) adds language
    or other compatibility vetoes to the families' excluded_cities.
    """
    families, people, destinations = dataset.families, dataset.people, dataset.destinations
    family_ids = families["family_id"].astype(str).to_numpy(dtype=object)
    city_names = destinations["city"].astype(str).to_numpy(dtype=object)
    family_index = pd.Index(family_ids)
    city_index = pd.Index(city_names)
    n_f, n_c = len(family_ids), len(city_names)

    capacity = dataset.capacity().reindex(city_names).to_numpy(dtype=np.float64)
    capacity = np.where(np.isnan(capacity), np.inf, capacity)
    use = np.rint(dataset.family_use().reindex(family_ids).to_numpy(dtype=np.float64))

    excluded = _city_mask(families["excluded_cities"], city_index)
    if forbidden is not None and len(forbidden):
        f = family_index.get_indexer(forbidden["family_id"].astype(str))
        c = city_index.get_indexer(forbidden["city"].astype(str))
        ok = (f >= 0) & (c >= 0)
        excluded[f[ok], c[ok]] = True
    preference = _preference(families["preferred_cities"], city_index)
    tie_city = np.full(n_f, NO_CITY, dtype=np.int64)
    if "ties_city" in families:
        # Ties to a city outside the programme cannot be honoured by a relocation.
        tie_city = city_index.get_indexer(families["ties_city"].astype("string").fillna(""))
    locked_city = np.full(n_f, NO_CITY, dtype=np.int64)
    if locks:
        f = family_index.get_indexer(list(locks))
        c = city_index.get_indexer([str(v) for v in locks.values()])
        unknown = [k for k, fi, ci in zip(locks, f, c, strict=True) if fi < 0 or ci < 0]
        if unknown:
            raise ValueError(
                f"asignaciones fijadas con familias o ciudades desconocidas / locks name "
                f"unknown families or cities: {unknown}"
            )
        locked_city[f] = c
    arrival_order = (
        pd.to_datetime(families["registered_at"]).rank(method="first").to_numpy() - 1
    ).astype(np.int64)

    member_ids = people["person_id"].astype(str).to_numpy(dtype=object)
    member_family = family_index.get_indexer(people["family_id"].astype(str))
    member_index = pd.Index(member_ids)
    working = working_members(people).to_numpy()
    vulnerable = people["health_needs"].map(lambda needs: not VULNERABLE_NEEDS.isdisjoint(needs))
    vulnerability = np.zeros(n_f)
    np.maximum.at(vulnerability, member_family, vulnerable.to_numpy(dtype=np.float64))

    vacancies = dataset.vacancies
    if vacancies is None or vacancies.empty:
        vacancies = pd.DataFrame({"vacancy_id": [], "city": [], "positions": []})
    vacancy_city = city_index.get_indexer(vacancies["city"].astype(str))
    vacancies = vacancies[vacancy_city >= 0]
    vacancy_city = vacancy_city[vacancy_city >= 0]
    vacancy_ids = vacancies["vacancy_id"].astype(str).to_numpy(dtype=object)
    positions = vacancies["positions"].to_numpy(dtype=np.int64)

    scored_families = np.zeros(n_f, dtype=bool)
    if family_city_scores is not None and len(family_city_scores):
        f = family_index.get_indexer(family_city_scores["family_id"].astype(str))
        scored_families[f[f >= 0]] = True

    family_city_score = np.zeros((n_f, n_c))
    if member_city_scores is not None and len(member_city_scores):
        m = member_index.get_indexer(member_city_scores["person_id"].astype(str))
        c = city_index.get_indexer(member_city_scores["city"].astype(str))
        ok = (m >= 0) & (c >= 0)
        ok[ok] &= working[m[ok]]
        score = member_city_scores["score"].to_numpy(dtype=np.float64)
        np.add.at(family_city_score, (member_family[m[ok]], c[ok]), score[ok])
    if scored_families.any():
        f = family_index.get_indexer(family_city_scores["family_id"].astype(str))
        c = city_index.get_indexer(family_city_scores["city"].astype(str))
        ok = (f >= 0) & (c >= 0)
        family_city_score[scored_families] = 0.0
        family_city_score[f[ok], c[ok]] = family_city_scores["score"].to_numpy(np.float64)[ok]

    edge_member = edge_vacancy = np.zeros(0, dtype=np.int64)
    edge_score = np.zeros(0)
    if member_vacancy_scores is not None and len(member_vacancy_scores):
        m = member_index.get_indexer(member_vacancy_scores["person_id"].astype(str))
        v = pd.Index(vacancy_ids).get_indexer(member_vacancy_scores["vacancy_id"].astype(str))
        score = member_vacancy_scores["score"].to_numpy(dtype=np.float64)
        ok = (m >= 0) & (v >= 0) & (score > 0)
        ok[ok] &= working[m[ok]] & ~scored_families[member_family[m[ok]]]
        edges = pd.DataFrame({"m": m[ok], "v": v[ok], "s": score[ok]})
        edges = edges.groupby(["m", "v"], as_index=False)["s"].max()
        edge_member = edges["m"].to_numpy(np.int64)
        edge_vacancy = edges["v"].to_numpy(np.int64)
        edge_score = edges["s"].to_numpy(np.float64)

    return Instance(
        family_ids=family_ids,
        city_names=city_names,
        resources=tuple(dataset.resources),
        capacity=capacity,
        use=use.astype(np.int64),
        excluded=excluded,
        family_city_score=family_city_score,
        member_ids=member_ids,
        member_family=member_family.astype(np.int64),
        vacancy_ids=vacancy_ids,
        vacancy_city=vacancy_city.astype(np.int64),
        positions=positions,
        edge_member=edge_member,
        edge_vacancy=edge_vacancy,
        edge_score=edge_score,
        preference=preference,
        vulnerability=vulnerability,
        tie_city=tie_city.astype(np.int64),
        locked_city=locked_city,
        arrival_order=arrival_order,
        exact_scores=bool(n_f) and bool(scored_families.all()),
    )


def _city_mask(lists: pd.Series, city_index: pd.Index) -> np.ndarray:
    """(F, C) True where the family's list names the city."""
    mask = np.zeros((len(lists), len(city_index)), dtype=bool)
    rows = np.repeat(np.arange(len(lists)), lists.map(len).to_numpy())
    cities = city_index.get_indexer([c for cs in lists for c in cs])
    ok = cities >= 0
    mask[rows[ok], cities[ok]] = True
    return mask


def _preference(lists: pd.Series, city_index: pd.Index) -> np.ndarray:
    """(F, C) 1 for a family's first choice down to 1/K for its K-th, 0 if not ranked."""
    preference = np.zeros((len(lists), len(city_index)))
    lengths = lists.map(len).to_numpy()
    rows = np.repeat(np.arange(len(lists)), lengths)
    rank = np.concatenate([np.arange(n) for n in lengths]) if len(rows) else np.zeros(0, int)
    cities = city_index.get_indexer([c for cs in lists for c in cs])
    ok = cities >= 0
    preference[rows[ok], cities[ok]] = (lengths[rows] - rank)[ok] / lengths[rows][ok]
    return preference
