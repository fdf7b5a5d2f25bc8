"""CP-SAT: build the plan model from the sparse formulation, solve it, read the plan."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from ._formulation import Formulation, RowKind, build_formulation
from ._instance import NO_CITY, Instance
from ._options import PlanOptions
from ._plan_vector import expected_success, plan_from_vector
from ._solution import PROVEN, Solution, Status, best_bound, relative_gap

OBJECTIVE_SCALE = 1_000_000
"""CP-SAT works on integers: objective points are counted in millionths, so scores with
up to six decimals (far more than any model's precision) are represented exactly."""
ROW_SCALE = 1_000
"""Rows with fractional coefficients (fairness shares) are counted in thousandths."""


_STATUS: dict[int, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}
# Rows that staff or the data set and that can contradict each other; in diagnosis
# mode each gets an assumption literal so CP-SAT can name the conflicting ones.
DIAGNOSABLE = (RowKind.CAPACITY, RowKind.LOCK, RowKind.VETO, RowKind.INTAKE, RowKind.FAIRNESS)


@dataclass(frozen=True)
class Progress:
    """A snapshot while solving: best plan so far, proven bound, gap, elapsed seconds."""

    objective: float
    bound: float
    gap: float
    elapsed: float


@dataclass(frozen=True)
class SolveParams:
    """How long and how to search.

    With ``deterministic`` (default) CP-SAT searches with one worker, so the plan is
    reproducible for a seed whenever the search ends by optimality or by
    ``deterministic_time_limit`` (CP-SAT's work counter); a plan cut by the wall-clock
    ``time_limit`` depends on the machine's speed. Without it, ``num_workers`` run a
    parallel portfolio whose result may vary from run to run.
    """

    time_limit: float = 60.0
    seed: int = 0
    num_workers: int = 2
    deterministic_time_limit: float | None = None
    relative_gap: float = 0.0
    deterministic: bool = True
    on_progress: Callable[[Progress], None] | None = None


@dataclass(frozen=True, eq=False)
class PlanModel:
    """A CP-SAT model of one batch, with what is needed to read its solution back."""

    cp: cp_model.CpModel
    instance: Instance
    formulation: Formulation
    assumption_rows: np.ndarray
    build_seconds: float
    restricted: bool = False


def build_model(
    instance: Instance, options: PlanOptions | None = None, *, diagnose: bool = False
) -> tuple[PlanModel, Formulation]:
    """The CP-SAT model of a batch. With ``diagnose`` every capacity, lock, veto, intake
    and fairness row is guarded by an assumption so an infeasible model names its
    conflict (the objective is then dropped: only feasibility matters).

    The second value tells where each variable sits: ``x`` pairs first, then ``y``
    edges, in the order of ``pair_family``/``pair_city`` and ``edge_index``. The rows
    and the objective are the formulation's (see ``_formulation``), written straight
    into the model's proto from the sparse arrays, so the build stays vectorised."""
    start = time.perf_counter()
    options = options or PlanOptions()

    # Data: the sparse 0-1 program, with integer coefficients for CP-SAT.
    form = build_formulation(instance, options)
    coeffs, lb, ub = _integer_rows(form)
    model = cp_model.CpModel()
    proto = model.proto

    # Variables: every x and y is 0-1; in diagnosis mode, then one guard literal per
    # DIAGNOSABLE row.
    _add_booleans(model, form.n_vars)
    assumption_rows = (
        np.flatnonzero(np.isin(form.row_kind, DIAGNOSABLE)) if diagnose else np.zeros(0, int)
    )
    guard = np.full(len(lb), -1, dtype=np.int64)
    guard[assumption_rows] = form.n_vars + np.arange(len(assumption_rows))
    _add_booleans(model, len(assumption_rows))

    # Constraints: for every row i, lb[i] <= Σ_j A[i, j] · z[j] <= ub[i] (if guard[i]).
    _add_rows(model, form.matrix, coeffs, lb, ub, guard)
    proto.assumptions.extend(guard[assumption_rows].tolist())

    # Objective: maximise objective @ z in millionths; CP-SAT minimises, so the points
    # are stored negated with scaling -1.
    if not diagnose:
        points = np.rint(form.objective * OBJECTIVE_SCALE).astype(np.int64)
        nonzero = np.flatnonzero(points)
        proto.objective.vars.extend(nonzero.tolist())
        proto.objective.coeffs.extend((-points[nonzero]).tolist())
        proto.objective.scaling_factor = -1.0

    plan_model = PlanModel(
        cp=model,
        instance=instance,
        formulation=form,
        assumption_rows=assumption_rows,
        build_seconds=time.perf_counter() - start,
    )
    return plan_model, form


def _add_booleans(model: cp_model.CpModel, count: int) -> None:
    """Append ``count`` 0-1 variables to the model."""
    variables = model.proto.variables
    for _ in range(count):
        variables.add().domain.extend((0, 1))


def _add_rows(
    model: cp_model.CpModel,
    matrix: sp.csr_matrix,
    coeffs: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    guard: np.ndarray,
) -> None:
    """One linear constraint per CSR row, enforced by ``guard[row]`` where it is >= 0."""
    constraints = model.proto.constraints
    indptr, indices = matrix.indptr, matrix.indices
    for row in range(len(lb)):
        ct = constraints.add()
        if guard[row] >= 0:
            ct.enforcement_literal.append(int(guard[row]))
        linear = ct.linear
        linear.vars.extend(indices[indptr[row] : indptr[row + 1]].tolist())
        linear.coeffs.extend(coeffs[indptr[row] : indptr[row + 1]].tolist())
        linear.domain.extend((int(lb[row]), int(ub[row])))


def restrict(
    model: PlanModel, closed_pairs: np.ndarray, fixed_pairs: np.ndarray | None = None
) -> PlanModel:
    """A copy of the model where some family–city pairs (indices) are closed (x = 0)
    and others fixed (x = 1).

    Its solutions are plans of the full batch, but its proofs are not: a restricted
    model never reports "optimal" and its own bound is ignored (pass the LP's)."""
    cp = model.cp.clone()
    variables = cp.proto.variables
    for value, pairs in ((0, closed_pairs), (1, fixed_pairs)):
        for p in np.asarray([] if pairs is None else pairs, dtype=np.int64).tolist():
            domain = variables[p].domain
            domain.clear()
            domain.extend((value, value))
    return replace(model, cp=cp, restricted=True)


def set_hint(model: PlanModel, values: np.ndarray) -> None:
    """Give CP-SAT a complete plan (0-1 per variable) to start its search from."""
    hint = model.cp.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(len(values)))
    hint.values.extend(np.asarray(values, dtype=np.int64).tolist())


def _integer_rows(form: Formulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row coefficients and bounds as integers, with infinite bounds made finite."""
    matrix = form.matrix
    data = matrix.data
    row_of_entry = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    fractional = np.zeros(matrix.shape[0], dtype=bool)
    np.logical_or.at(fractional, row_of_entry, data != np.rint(data))
    factor = np.where(fractional, ROW_SCALE, 1)
    coeffs = np.rint(data * factor[row_of_entry]).astype(np.int64)
    lo_act = np.bincount(row_of_entry, np.minimum(coeffs, 0), minlength=len(factor))
    hi_act = np.bincount(row_of_entry, np.maximum(coeffs, 0), minlength=len(factor))
    with np.errstate(invalid="ignore"):
        lb = np.ceil(np.maximum(form.row_lb * factor, lo_act - 1) - 1e-9)
        ub = np.floor(np.minimum(form.row_ub * factor, hi_act + 1) + 1e-9)
    # A row that cannot be met keeps a valid (single-value) domain and stays infeasible.
    ub = np.maximum(ub, np.minimum(lb, hi_act + 1))
    lb = np.minimum(lb, ub)
    return coeffs, lb.astype(np.int64), ub.astype(np.int64)


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    """Reports progress and stops the search once the gap to the best known bound (CP-SAT's
    or one proven elsewhere, like the LP's) is within the target."""

    def __init__(
        self,
        report: Callable[[Progress], None] | None,
        start: float,
        known_bound: float,
        target_gap: float,
        own_bound_valid: bool,
    ) -> None:
        super().__init__()
        self._report = report
        self._start = start
        self._known_bound = known_bound
        self._target_gap = target_gap
        self._own_bound_valid = own_bound_valid
        self.best = float("nan")

    def on_solution_callback(self) -> None:
        self.best = self.objective_value / OBJECTIVE_SCALE
        gap = self.emit(self.best_objective_bound / OBJECTIVE_SCALE)
        if gap <= self._target_gap:
            self.stop_search()

    def on_bound(self, bound: float) -> None:
        self.emit(bound / OBJECTIVE_SCALE)

    def emit(self, bound: float) -> float:
        bound = best_bound(bound, self._own_bound_valid, self._known_bound, self.best)
        gap = relative_gap(self.best, bound) if np.isfinite(self.best) else float("inf")
        if self._report is not None:
            elapsed = time.perf_counter() - self._start
            self._report(Progress(self.best, bound, gap, elapsed))
        return gap


def solve(
    model: PlanModel, params: SolveParams | None = None, *, known_bound: float = np.inf
) -> Solution:
    """Search for the best plan within the limits; always returns a Solution.

    ``known_bound`` is an upper bound proven elsewhere (the LP's): progress reports and
    the stopping rule (``relative_gap``) use the better of it and CP-SAT's own, and so do
    the returned ``bound`` and ``gap``."""
    params = params or SolveParams()

    # Parameters: limits, seed, workers.
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(params.time_limit)
    solver.parameters.random_seed = int(params.seed)
    # One worker is CP-SAT's repeatable mode (interleaved workers are repeatable too,
    # but were slower on every batch we measured).
    solver.parameters.num_workers = 1 if params.deterministic else int(params.num_workers)
    # Keep the whole LP relaxation in the search: on these capacity and assignment rows
    # it closes 60-family scenarios in 0.2 s where the default left a 4% gap after 10 s,
    # and it finds the near-optimal plans in a large batch's LP neighbourhood.
    solver.parameters.linearization_level = 2
    solver.parameters.relative_gap_limit = float(params.relative_gap)
    if params.deterministic_time_limit is not None:
        solver.parameters.max_deterministic_time = float(params.deterministic_time_limit)
    if len(model.assumption_rows):
        # Assumption cores are extracted by the sequential search.
        solver.parameters.num_workers = 1

    # Solve, reporting progress and stopping at the target gap.
    start = time.perf_counter()
    reporter = _ProgressReporter(
        params.on_progress, start, known_bound, params.relative_gap, not model.restricted
    )
    if params.on_progress is not None:
        solver.best_bound_callback = reporter.on_bound
    code = solver.solve(model.cp, reporter)
    seconds = time.perf_counter() - start

    # Read the solution.
    return _read_solution(model, solver, code, seconds, known_bound)


def _read_solution(
    model: PlanModel, solver: cp_model.CpSolver, code: int, seconds: float, known_bound: float
) -> Solution:
    """The plan CP-SAT found, its bound and gap, or the conflicting rows it names."""
    instance, form = model.instance, model.formulation
    status = _STATUS.get(code, "unknown")
    family_city = np.full(instance.n_families, NO_CITY, dtype=np.int64)
    member_vacancy = np.full(instance.n_members, -1, dtype=np.int64)
    objective = bound = gap = float("nan")
    expected = 0.0
    conflict_rows = np.zeros(0, dtype=np.int64)
    if status in ("optimal", "feasible"):
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)
        family_city, member_vacancy = plan_from_vector(form, instance, values)
        expected = expected_success(form, instance, values)
        if len(model.assumption_rows):
            objective = bound = gap = 0.0
        else:
            objective = solver.objective_value / OBJECTIVE_SCALE
            own = solver.best_objective_bound / OBJECTIVE_SCALE
            bound = best_bound(own, not model.restricted, known_bound, objective)
            if model.restricted and status == "optimal":
                status = "feasible"
            if bound - objective <= PROVEN:
                # Proven by the bound in hand (CP-SAT's or the LP's), even if the search
                # was stopped by the gap rule before CP-SAT proved it itself.
                status = "optimal"
            gap = 0.0 if status == "optimal" else relative_gap(objective, bound)
    elif status == "infeasible" and len(model.assumption_rows):
        core = np.asarray(solver.sufficient_assumptions_for_infeasibility(), dtype=np.int64)
        conflict_rows = model.assumption_rows[core - form.n_vars]
    return Solution(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        solve_seconds=seconds,
        build_seconds=model.build_seconds,
        family_city=family_city,
        member_vacancy=member_vacancy,
        expected_success=expected,
        conflict_rows=conflict_rows,
    )
