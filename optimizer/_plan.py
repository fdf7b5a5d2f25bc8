"""One call from a batch to a finished plan: solve, price capacity, explain, diagnose."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from ._cpsat import PlanModel, Solution, SolveParams, build_model, solve
from ._explain import Explanation, describe_conflicts, explain
from ._formulation import PlanOptions
from ._instance import NO_CITY, Instance
from ._lp import Relaxation, relax

MINIMISE_CORE_UP_TO = 16
"""Conflict sets up to this size are shrunk until every line in them is needed."""


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
    prices: bool = True,
) -> Plan:
    """Plan a batch end to end; never raises on infeasible input (see ``conflicts``)."""
    options = options or PlanOptions()
    params = params or SolveParams()
    model, formulation = build_model(instance, options)
    solution = solve(model, params)
    relaxation = None
    conflicts: tuple[str, ...] = ()
    if solution.status == "infeasible":
        conflicts = diagnose(instance, options, params)
    elif prices and solution.has_plan:
        relaxation = relax(instance, options, formulation)
    return Plan(
        instance=instance,
        options=options,
        solution=solution,
        relaxation=relaxation,
        explanation=explain(instance, solution, relaxation, options),
        conflicts=conflicts,
    )


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
    if plan.conflicts:
        reasons = dict.fromkeys(reasons, "Sin plan: " + " ".join(plan.conflicts))
    families = [
        {
            "family_id": str(instance.family_ids[f]),
            "city": None if c == NO_CITY else str(instance.city_names[c]),
            "reason": reasons[str(instance.family_ids[f])],
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
    }


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)
