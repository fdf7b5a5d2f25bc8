"""A plan as the formulation's 0-1 vector ``z`` (the x pairs, then the y edges) and back.

CP-SAT hints and solutions, rounded LP plans and baselines all pass through this
encoding; ``(family_city, member_vacancy)`` is the plan's other form, by index.
"""

from __future__ import annotations

import numpy as np

from ._formulation import Formulation
from ._instance import NO_CITY, Instance


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


def is_feasible(form: Formulation, z: np.ndarray) -> bool:
    """Whether a 0-1 vector satisfies every row of the formulation."""
    activity = form.matrix @ np.asarray(z, dtype=np.float64)
    return bool(np.all(activity <= form.row_ub + 1e-9) and np.all(activity >= form.row_lb - 1e-9))
