"""A plan and its proof of quality: the Solution every method returns, and the rule
that certifies a plan against a proven bound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._formulation import Formulation
from ._instance import Instance
from ._plan_vector import expected_success, plan_from_vector

PROVEN = 1e-6
"""A plan within one objective unit (CP-SAT counts points in millionths) of a proven
bound is optimal."""

Status = Literal["optimal", "feasible", "infeasible", "unknown", "invalid"]


@dataclass(frozen=True, eq=False)
class Solution:
    """The plan and its proof of quality.

    ``family_city[f]`` is a city index or -1 (stays this batch); ``member_vacancy[m]``
    a vacancy index or -1. ``objective`` and ``bound`` are in objective points (expected
    successes plus weighted preferences); ``expected_success`` counts the scores alone.
    ``conflict_rows`` lists formulation rows CP-SAT found mutually infeasible (only when
    the model was built for diagnosis).
    """

    status: Status
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    build_seconds: float
    family_city: np.ndarray
    member_vacancy: np.ndarray
    expected_success: float
    conflict_rows: np.ndarray

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


def solution_of_vector(
    form: Formulation,
    instance: Instance,
    z: np.ndarray,
    *,
    bound: float = np.nan,
    seconds: float = 0.0,
    build_seconds: float = 0.0,
) -> Solution:
    """A plan found outside CP-SAT (rounding, a baseline) as a Solution, with the bound
    proven elsewhere if any; "optimal" only when the plan meets that bound."""
    objective = float(form.objective @ z)
    family_city, member_vacancy = plan_from_vector(form, instance, z)
    status: Status = "feasible"
    gap = float("nan")
    if np.isfinite(bound):
        bound = max(bound, objective)
        status = "optimal" if bound - objective <= PROVEN else "feasible"
        gap = 0.0 if status == "optimal" else relative_gap(objective, bound)
    return Solution(
        status=status,
        objective=objective,
        bound=float(bound),
        gap=gap,
        solve_seconds=seconds,
        build_seconds=build_seconds,
        family_city=family_city,
        member_vacancy=member_vacancy,
        expected_success=expected_success(form, instance, z),
        conflict_rows=np.zeros(0, dtype=np.int64),
    )


def best_bound(own: float, own_valid: bool, known: float, objective: float) -> float:
    """The tightest valid bound, never below the plan in hand (round-off aside)."""
    bound = min(own, known) if own_valid else known
    return max(bound, objective) if np.isfinite(objective) else bound


def relative_gap(objective: float, bound: float) -> float:
    """Relative gap as CP-SAT defines it: |bound - objective| / max(1, |objective|)."""
    return abs(bound - objective) / max(1.0, abs(objective))
