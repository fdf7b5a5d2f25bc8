"""Greedy plans: the staff's first-come-first-served rule, and LP rounding for a warm start.

One routine places families one at a time in a given order, each in the best city (by a
given (F, C) ranking) that still has room for all its needs; a second gives jobs by
score within the family's city. Both are fast and never break a constraint except
fairness shares, which greedy rules do not look at.
"""

from __future__ import annotations

import numpy as np

from ._formulation import Formulation, allowed_pairs, placement_values_with_best_jobs
from ._instance import NO_CITY, Instance
from ._options import PlanOptions


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


def best_value_first(instance: Instance, options: PlanOptions) -> tuple[np.ndarray, np.ndarray]:
    """A plan without any LP: families with the most to gain first, each to its most
    valuable city with room; then jobs by score."""
    value = placement_values_with_best_jobs(instance, options)
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
