"""LP relaxation of the plan with GLOP or PDLP: a proven bound, shadow prices of capacity,
and the fractional plan that guides the search."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from ._formulation import Formulation, RowKind, build_formulation
from ._instance import Instance
from ._options import PlanOptions

SEAT_NUDGE = 1e-3
"""Capacity rows are relaxed by this much before solving. At a degenerate vertex a
capacity dual can be anything between the value of the last seat used and of the next
one; with the nudge the LP must already use a sliver of the next seat, so the dual is
the value of *one more* seat, the question staff ask."""
GLOP_UP_TO = 20_000
"""Below this many variables the exact simplex (GLOP) is fast; above it PDLP's
first-order method reaches 1e-4 accuracy far sooner on these degenerate LPs."""
PDLP_TOLERANCE = 1e-4


@dataclass(frozen=True, eq=False)
class Relaxation:
    """The LP relaxation (0 <= x, y <= 1) of a batch.

    ``bound`` is a proven upper bound on any plan: the Lagrangian value of the LP duals,
    valid for any nonnegative multipliers, so it holds even when PDLP stops early.
    ``shadow_price[c, r]`` is what one more unit of resource ``r`` in city ``c`` adds to
    the objective (0 where the resource is unlimited or not binding);
    ``position_price[v]`` the same for one more position in vacancy ``v``;
    ``share_price[g]`` what the minimum share of group ``g`` costs per unit of its row
    (Σ_in g x - s_g · Σ x ≥ 0), so raising the share by δ costs about
    ``share_price[g] · δ · families relocated``. ``values`` is the fractional plan, in the
    formulation's variable order.
    """

    status: str
    method: str
    objective: float
    bound: float
    shadow_price: np.ndarray
    position_price: np.ndarray
    share_price: np.ndarray
    values: np.ndarray
    solve_seconds: float


def relax(
    instance: Instance,
    options: PlanOptions | None = None,
    formulation: Formulation | None = None,
    method: Literal["auto", "glop", "pdlp"] = "auto",
    time_limit: float | None = None,
) -> Relaxation:
    """Solve the LP relaxation; read its bound, capacity duals and fractional plan."""
    options = options or PlanOptions()

    # Data: the plan's sparse program, capacity rows nudged by SEAT_NUDGE.
    form = formulation if formulation is not None else build_formulation(instance, options)
    if method == "auto":
        method = "glop" if form.n_vars <= GLOP_UP_TO else "pdlp"
    start = time.perf_counter()
    row_ub = form.row_ub.copy()
    capacity_rows = form.rows(RowKind.CAPACITY)
    row_ub[capacity_rows] += SEAT_NUDGE

    # Variables, constraints and objective in one go:
    # maximise objective @ z  s.t.  row_lb <= A z <= row_ub,  0 <= z <= 1.
    model = mbh.ModelBuilderHelper()
    model.fill_model_from_sparse_data(
        np.zeros(form.n_vars), np.ones(form.n_vars), form.objective, form.row_lb, row_ub,
        form.matrix,
    )  # fmt: skip
    model.set_maximize(True)

    # Solve.
    solver = mbh.ModelSolverHelper(method)
    if method == "pdlp":
        solver.set_solver_specific_parameters(
            "termination_criteria { simple_optimality_criteria { "
            f"eps_optimal_relative: {PDLP_TOLERANCE} eps_optimal_absolute: {PDLP_TOLERANCE} }} }}"
        )
    if time_limit is not None:
        solver.set_time_limit_in_seconds(float(time_limit))
    solver.solve(model)

    # Read the solution: fractional plan, objective, proven bound, duals as prices.
    status = solver.status().name.lower()
    shadow = np.zeros(instance.capacity.shape)
    position_price = np.zeros(len(instance.vacancy_ids))
    share_price = np.zeros(len(options.fairness))
    objective = bound = float("nan")
    values = np.zeros(form.n_vars)
    if solver.has_solution():
        duals = solver.dual_values()
        values = np.clip(solver.variable_values(), 0.0, 1.0)
        objective = float(solver.objective_value())
        bound = dual_bound(form, duals)
        cities, resources = form.row_ref[capacity_rows, 0], form.row_ref[capacity_rows, 1]
        # Duals of <= rows are >= 0 when maximising; clip solver round-off.
        shadow[cities, resources] = np.maximum(duals[capacity_rows], 0.0)
        position_rows = form.rows(RowKind.POSITIONS)
        position_price[form.row_ref[position_rows, 0]] = np.maximum(duals[position_rows], 0.0)
        # Duals of >= rows are <= 0 when maximising: the price is what the rule costs.
        share_rows = form.rows(RowKind.FAIRNESS)
        share_price[form.row_ref[share_rows, 0]] = np.maximum(-duals[share_rows], 0.0)
    return Relaxation(
        status=status,
        method=method,
        objective=objective,
        bound=bound,
        shadow_price=shadow,
        position_price=position_price,
        share_price=share_price,
        values=values,
        solve_seconds=time.perf_counter() - start,
    )


def dual_bound(form: Formulation, duals: np.ndarray) -> float:
    """Lagrangian upper bound ``max over z in [0,1]`` of ``c z - y (A z - b)``.

    Multipliers of <= rows are taken >= 0 and of >= rows <= 0 (the wrong sign is
    dropped), so the bound is valid for whatever duals an LP solver returns.
    """
    has_ub, has_lb = np.isfinite(form.row_ub), np.isfinite(form.row_lb)
    upper = np.where(has_ub, np.maximum(duals, 0.0), 0.0)
    lower = np.where(has_lb, np.maximum(-duals, 0.0), 0.0)
    reduced = form.objective - form.matrix.T @ (upper - lower)
    rhs = upper @ np.where(has_ub, form.row_ub, 0.0) - lower @ np.where(has_lb, form.row_lb, 0.0)
    return float(rhs + np.maximum(reduced, 0.0).sum())
