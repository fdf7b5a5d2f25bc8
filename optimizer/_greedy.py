"""Greedy plans: the staff's first-come-first-served rule, and LP rounding for a warm start.

One routine places families one at a time in a given order, each in the best city (by a
given (F, C) ranking) that still has room for all its needs; a second gives jobs by
score within the family's city. Both are fast and never break a constraint except
fairness shares, which greedy rules do not look at.
"""

from __future__ import annotations

import numpy as np

from ._formulation import Formulation, PlanOptions, allowed_pairs, pair_values
from ._instance import NO_CITY, Instance


def place_families(
    instance: Instance, options: PlanOptions, order: np.ndarray, ranking: np.ndarray
) -> np.ndarray:
    """(F,) city per family: in ``order``, the allowed city with room and the highest
    ``ranking[f, c]`` (-inf: never); locked families first, where staff put them."""
    allowed = allowed_pairs(instance, options) & np.isfinite(ranking)
    remaining = instance.capacity.astype(np.float64).copy()
    city_index = {str(c): i for i, c in enumerate(instance.city_names)}
    intake = np.full(instance.n_cities, np.inf)
    for city, limit in options.intake_limit.items():
        intake[city_index[city]] = limit
    family_city = np.full(instance.n_families, NO_CITY, dtype=np.int64)
    locked = np.flatnonzero(instance.locked_city != NO_CITY)
    for f in np.concatenate([locked, np.setdiff1d(order, locked, assume_unique=True)]):
        fits = allowed[f] & np.all(instance.use[f] <= remaining, axis=1) & (intake >= 1)
        if not fits.any():
            continue
        c = int(np.argmax(np.where(fits, ranking[f], -np.inf)))
        family_city[f] = c
        remaining[c] -= instance.use[f]
        intake[c] -= 1
    return family_city


def assign_jobs(instance: Instance, family_city: np.ndarray) -> np.ndarray:
    """(M,) vacancy per member: best scores first, within the family's city and positions."""
    member_vacancy = np.full(instance.n_members, -1, dtype=np.int64)
    in_city = family_city[instance.edge_family] == instance.edge_city
    edges = np.flatnonzero(in_city)
    edges = edges[np.argsort(-instance.edge_score[edges], kind="stable")]
    open_positions = instance.positions.copy()
    for e in edges:
        m, v = instance.edge_member[e], instance.edge_vacancy[e]
        if member_vacancy[m] < 0 and open_positions[v] > 0:
            member_vacancy[m] = v
            open_positions[v] -= 1
    return member_vacancy


def plan_vector(
    form: Formulation, instance: Instance, family_city: np.ndarray, member_vacancy: np.ndarray
) -> np.ndarray:
    """A plan as the formulation's 0-1 variable vector (for hints and objective values)."""
    z = np.zeros(form.n_vars, dtype=np.int64)
    z[: form.n_pairs] = family_city[form.pair_family] == form.pair_city
    edges = form.edge_index
    z[form.n_pairs :] = member_vacancy[instance.edge_member[edges]] == instance.edge_vacancy[edges]
    return z


def plan_from_vector(
    form: Formulation, instance: Instance, z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(family_city, member_vacancy) of a 0-1 variable vector (inverse of plan_vector)."""
    x, y = z[: form.n_pairs].astype(bool), z[form.n_pairs : form.n_vars].astype(bool)
    family_city = np.full(instance.n_families, NO_CITY, dtype=np.int64)
    family_city[form.pair_family[x]] = form.pair_city[x]
    member_vacancy = np.full(instance.n_members, -1, dtype=np.int64)
    edges = form.edge_index[y]
    member_vacancy[instance.edge_member[edges]] = instance.edge_vacancy[edges]
    return family_city, member_vacancy


def expected_success(form: Formulation, instance: Instance, z: np.ndarray) -> float:
    """Sum of the predicted success the plan ``z`` realises (scores only, no weights)."""
    x, y = z[: form.n_pairs].astype(bool), z[form.n_pairs : form.n_vars].astype(bool)
    by_city = instance.family_city_score[form.pair_family[x], form.pair_city[x]].sum()
    return float(by_city + instance.edge_score[form.edge_index[y]].sum())


def city_values(instance: Instance, options: PlanOptions) -> np.ndarray:
    """(F, C) the most a family could bring to each city: its pair value plus, for each
    working member, the best vacancy score there (competition for positions aside)."""
    value = pair_values(instance, options)
    if len(instance.edge_member):
        n_c = instance.n_cities
        best = np.zeros(instance.n_members * n_c)
        np.maximum.at(best, instance.edge_member * n_c + instance.edge_city, instance.edge_score)
        per_member = best.reshape(instance.n_members, n_c)
        jobs = np.zeros_like(value)
        np.add.at(jobs, instance.member_family, per_member)
        value = value + jobs
    return value


def best_value_first(instance: Instance, options: PlanOptions) -> tuple[np.ndarray, np.ndarray]:
    """A plan without any LP: families with the most to gain first, each to its most
    valuable city with room; then jobs by score."""
    value = city_values(instance, options)
    order = np.argsort(-value.max(axis=1), kind="stable")
    family_city = place_families(instance, options, order, value)
    return family_city, assign_jobs(instance, family_city)


def round_relaxation(
    instance: Instance, options: PlanOptions, form: Formulation, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Round a fractional plan: families by how surely the LP places them, each to the
    city the LP favours most among those with room; then jobs by score."""
    x = np.zeros((instance.n_families, instance.n_cities))
    x[form.pair_family, form.pair_city] = values[: form.n_pairs]
    sureness = x.max(axis=1)
    order = np.argsort(-sureness, kind="stable")
    order = order[sureness[order] > 1e-6]
    family_city = place_families(instance, options, order, x)
    return family_city, assign_jobs(instance, family_city)
