"""Relocation optimizer: families to cities and members to vacancies, under every capacity.

Build an :class:`Instance` (arrays, or :func:`instance_from_frames` from the data
contract's DataFrames plus a score table), then ``build_model`` -> ``solve`` ->
``explain``, or all at once with :func:`make_plan`. ``first_come_first_served`` and
``location_only`` are the baselines; ``simulate_season`` and ``hindsight`` plan a
season of weekly batches.
"""

from ._baselines import first_come_first_served, location_only
from ._cpsat import Progress, SolveParams, build_model, solve
from ._explain import Explanation, explain
from ._formulation import build_formulation
from ._frames import instance_from_frames
from ._instance import NO_CITY, Instance
from ._lp import Relaxation, relax
from ._options import GroupShare, PlanOptions
from ._plan import Plan, diagnose, make_plan, plan_record
from ._season import SeasonResult, capacity_prices, hindsight, simulate_season
from ._solution import Solution

__all__ = [
    "NO_CITY",
    "Explanation",
    "GroupShare",
    "Instance",
    "Plan",
    "PlanOptions",
    "Progress",
    "Relaxation",
    "SeasonResult",
    "Solution",
    "SolveParams",
    "build_formulation",
    "build_model",
    "capacity_prices",
    "diagnose",
    "explain",
    "first_come_first_served",
    "hindsight",
    "instance_from_frames",
    "location_only",
    "make_plan",
    "plan_record",
    "relax",
    "simulate_season",
    "solve",
]
