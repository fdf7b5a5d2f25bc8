"""LP relaxation of the plan with GLOP (or PDLP): its bound and the shadow prices of capacity."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from ._formulation import Formulation, PlanOptions, RowKind, build_formulation
from ._instance import Instance

SEAT_NUDGE = 1e-3
"""Capacity rows are relaxed by this much before solving. At a degenerate vertex a
capacity dual can be anything between the value of the last seat used and of the next
one; with the nudge the LP must already use a sliver of the next seat, so the dual is
the value of *one more* seat, the question staff ask. The bound stays valid (the LP
only gets larger)."""


@dataclass(frozen=True, eq=False)
class Relaxation:
    """The LP optimum with 0 <= x, y <= 1 (an upper bound on any plan).

    ``shadow_price[c, r]`` is what one more unit of resource ``r`` in city ``c`` adds to
    the objective (LP dual; 0 where the resource is unlimited or not binding).
    """

    status: str
    objective: float
    shadow_price: np.ndarray
    solve_seconds: float

    @property
    def solved(self) -> bool:
        return self.status == "optimal"


def relax(
    instance: Instance,
    options: PlanOptions | None = None,
    formulation: Formulation | None = None,
    method: Literal["glop", "pdlp"] = "glop",
) -> Relaxation:
    """Solve the LP relaxation and read the capacity duals."""
    options = options or PlanOptions()
    form = formulation if formulation is not None else build_formulation(instance, options)
    start = time.perf_counter()
    row_ub = form.row_ub.copy()
    capacity_rows = form.rows(RowKind.CAPACITY)
    row_ub[capacity_rows] += SEAT_NUDGE
    model = mbh.ModelBuilderHelper()
    model.fill_model_from_sparse_data(
        np.zeros(form.n_vars),
        np.ones(form.n_vars),
        form.objective,
        form.row_lb,
        row_ub,
        form.matrix,
    )
    model.set_maximize(True)
    solver = mbh.ModelSolverHelper(method)
    solver.solve(model)
    status = solver.status().name.lower()
    shadow = np.zeros(instance.capacity.shape)
    objective = float("nan")
    if status == "optimal":
        objective = float(solver.objective_value())
        cities, resources = form.row_ref[capacity_rows, 0], form.row_ref[capacity_rows, 1]
        # Duals of <= rows are >= 0 when maximising; clip solver round-off.
        shadow[cities, resources] = np.maximum(solver.dual_values()[capacity_rows], 0.0)
    return Relaxation(
        status=status,
        objective=objective,
        shadow_price=shadow,
        solve_seconds=time.perf_counter() - start,
    )
