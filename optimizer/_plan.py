"""One call from a batch to a finished plan: solve, price capacity, explain, diagnose."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from ._cpsat import PlanModel, Progress, SolveParams, build_model, restrict, set_hint, solve
from ._explain import Explanation, describe_conflicts, explain
from ._greedy import best_value_first, round_relaxation
from ._instance import NO_CITY, Instance
from ._lp import Relaxation, relax
from ._options import PlanOptions
from ._plan_vector import is_feasible, plan_vector
from ._solution import Solution, relative_gap, solution_of_vector

MINIMISE_CORE_UP_TO = 16
"""Conflict sets up to this size are shrunk until every line in them is needed."""
LP_SHARE = 0.4
"""At most this share of the time limit goes to the LP relaxation, the rest to CP-SAT."""
NEIGHBOURHOOD_FROM = 20_000
"""Models with more variables search the LP's neighbourhood (see lp_neighbourhood)."""
JOBS_SHARE = 0.3
"""Share of the time left after the LP for re-assigning jobs to the rounded LP plan."""
NEIGHBOURHOOD_CUTOFF = 0.01
"""Pairs the LP gives at most this much are closed in the neighbourhood."""


@dataclass(frozen=True, eq=False)
class Plan:
    """A solved batch: the solution, the LP prices, the explanations and, when the input
    cannot be satisfied, the conflicting constraints in plain words."""

    instance: Instance
    options: PlanOptions
    solution: Solution
    relaxation: Relaxation | None
    explanation: Explanation
    conflicts: tuple[str, ...]


def make_plan(
    instance: Instance,
    options: PlanOptions | None = None,
    params: SolveParams | None = None,
    *,
    relaxation: bool = True,
) -> Plan:
    """Plan a batch end to end; never raises on infeasible input (see ``conflicts``).

    With ``relaxation`` (default) the LP is solved first: its duals price capacity for
    the explanations, its Lagrangian bound certifies the gap, and its rounded plan is
    CP-SAT's starting point (on large batches CP-SAT alone finds neither quickly).
    """
    options = options or PlanOptions()
    start = time.perf_counter()
    report = _since(start, (params or SolveParams()).on_progress)
    params = replace(params or SolveParams(), on_progress=report)
    model, formulation = build_model(instance, options)
    lp = None
    lp_bound = np.inf
    hint = None
    if relaxation:
        lp = relax(instance, options, formulation, time_limit=LP_SHARE * params.time_limit)
        lp_bound = lp.bound if np.isfinite(lp.bound) else np.inf
        report(Progress(np.nan, lp_bound, np.inf, 0.0))
        if lp.values.any():
            rounded = round_relaxation(instance, options, formulation, lp.values)
            hint = plan_vector(formulation, instance, *rounded)
            if formulation.n_vars > NEIGHBOURHOOD_FROM:
                budget = JOBS_SHARE * (params.time_limit - (time.perf_counter() - start))
                hint = best_jobs(model, hint, replace(params, time_limit=max(budget, 1.0)))
                model = lp_neighbourhood(model, lp.values, hint)
            found = float(formulation.objective @ hint)
            report(Progress(found, lp_bound, relative_gap(found, lp_bound), 0.0))
            set_hint(model, hint)
    if hint is None:
        hint = plan_vector(formulation, instance, *best_value_first(instance, options))
        set_hint(model, hint)
    remaining = max(params.time_limit - (time.perf_counter() - start), 1.0)
    solution = solve(model, replace(params, time_limit=remaining), known_bound=lp_bound)
    if not solution.has_plan and hint is not None and is_feasible(formulation, hint):
        # CP-SAT ran out of time before reading its starting plan back (a loaded
        # machine, a very large batch): the rounded LP plan is valid, so return it.
        solution = solution_of_vector(
            formulation, instance, hint, bound=lp_bound, seconds=solution.solve_seconds,
            build_seconds=solution.build_seconds,
        )  # fmt: skip
    conflicts: tuple[str, ...] = ()
    if solution.status == "infeasible":
        conflicts = diagnose(instance, options, params)
        lp = None
    return Plan(
        instance=instance,
        options=options,
        solution=solution,
        relaxation=lp,
        explanation=explain(instance, solution, lp, options),
        conflicts=conflicts,
    )


def _since(start: float, report: Callable[[Progress], None] | None) -> Callable[[Progress], None]:
    """Progress with elapsed time counted from the start of the whole plan."""

    def show(progress: Progress) -> None:
        if report is not None:
            report(replace(progress, elapsed=time.perf_counter() - start))

    return show


def best_jobs(model: PlanModel, plan: np.ndarray, params: SolveParams) -> np.ndarray:
    """The same family–city choices with the best job assignment (a transportation
    problem, which CP-SAT solves fast once the cities are fixed)."""
    n_pairs = model.formulation.n_pairs
    chosen = plan[:n_pairs] == 1
    fixed = restrict(model, np.flatnonzero(~chosen), np.flatnonzero(chosen))
    set_hint(fixed, plan)
    found = solve(fixed, replace(params, on_progress=None))
    if not found.has_plan:
        return plan
    return plan_vector(model.formulation, model.instance, found.family_city, found.member_vacancy)


def lp_neighbourhood(model: PlanModel, lp_values: np.ndarray, hint: np.ndarray) -> PlanModel:
    """The model with only the family–city pairs the LP uses (or the hint does) left open.

    On large batches CP-SAT cannot even settle the root LP of the whole model in a
    minute, while in this neighbourhood (a RINS-like restriction) it finds plans within
    a fraction of a percent of the LP bound. The LP bound still certifies the gap.
    """
    n_pairs = model.formulation.n_pairs
    closed = (lp_values[:n_pairs] <= NEIGHBOURHOOD_CUTOFF) & (hint[:n_pairs] == 0)
    small = restrict(model, np.flatnonzero(closed))
    set_hint(small, hint)
    return small


def diagnose(
    instance: Instance, options: PlanOptions, params: SolveParams | None = None
) -> tuple[str, ...]:
    """Which locks, vetoes, capacities, intake limits or shares cannot hold together.

    Every such row is guarded by a CP-SAT assumption; the solver returns a set of them
    that is infeasible on its own, which is then shrunk to a minimal one when small.
    """
    params = replace(params or SolveParams(), on_progress=None)
    model, formulation = build_model(instance, options, diagnose=True)
    solution = solve(model, params)
    if solution.status != "infeasible":
        return ()
    rows = _minimal_core(model, params, solution.conflict_rows)
    return describe_conflicts(instance, options, formulation, rows)


def _minimal_core(model: PlanModel, params: SolveParams, rows: np.ndarray) -> np.ndarray:
    if len(rows) > MINIMISE_CORE_UP_TO:
        return rows
    literal = {row: i for i, row in enumerate(model.assumption_rows.tolist())}
    base = model.formulation.n_vars
    keep = list(rows.tolist())
    for row in list(keep):
        trial = [r for r in keep if r != row]
        model.cp.proto.assumptions.clear()
        model.cp.proto.assumptions.extend([base + literal[r] for r in trial])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = float(params.time_limit)
        if solver.solve(model.cp) == cp_model.INFEASIBLE:
            keep = trial
    return np.asarray(keep, dtype=np.int64)


def plan_record(plan: Plan) -> dict:
    """The plan as plain data in the shape of ``plan.json``."""
    instance, solution = plan.instance, plan.solution
    reasons = {e.family_id: e.reason for e in plan.explanation.families}
    english = explain(instance, solution, plan.relaxation, plan.options, lang="en")
    reasons_en = {e.family_id: e.reason for e in english.families}
    if plan.conflicts:
        reasons = dict.fromkeys(reasons, "Sin plan: " + " ".join(plan.conflicts))
        reasons_en = dict.fromkeys(reasons, "No plan: " + " ".join(plan.conflicts))
    families = [
        {
            "family_id": str(instance.family_ids[f]),
            "city": None if c == NO_CITY else str(instance.city_names[c]),
            "reason": reasons[str(instance.family_ids[f])],
            "reason_en": reasons_en[str(instance.family_ids[f])],
        }
        for f, c in enumerate(solution.family_city.tolist())
    ]
    members = [
        {
            "person_id": str(instance.member_ids[m]),
            "vacancy_id": None if v < 0 else str(instance.vacancy_ids[v]),
        }
        for m, v in enumerate(solution.member_vacancy.tolist())
    ]
    usage = [
        {
            "city": u.city,
            "resource": u.resource,
            "used": u.used,
            "capacity": u.capacity,
            "shadow_price": u.shadow_price,
            "text": u.text,
        }
        for u in plan.explanation.usage
    ]
    return {
        "status": solution.status,
        "objective": _number(solution.objective),
        "bound": _number(solution.bound),
        "gap": _number(solution.gap),
        "solve_seconds": round(solution.solve_seconds, 3),
        "expected_success": round(solution.expected_success, 6),
        "conflicts": list(plan.conflicts),
        "families": families,
        "members": members,
        "usage": usage,
        "shares": _shares(plan),
    }


def _shares(plan: Plan) -> list[dict]:
    """Each minimum group share: asked, reached, and its price (see ``Relaxation``) per
    percentage point: what one point more would cost the objective."""
    placed = plan.solution.family_city != NO_CITY
    relocated = int(placed.sum())
    prices = plan.relaxation.share_price if plan.relaxation is not None else None
    shares = []
    for g, group in enumerate(plan.options.fairness):
        in_group = int((placed & np.asarray(group.mask, dtype=bool)).sum())
        price = float(prices[g]) if prices is not None else 0.0
        shares.append(
            {
                "name": group.name,
                "min_share": float(group.min_share),
                "share": in_group / relocated if relocated else 0.0,
                "price": round(price, 6),
                "per_point": round(price * relocated / 100, 6),
            }
        )
    return shares


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)
