"""Relocation optimizer: families to cities and members to vacancies, under every capacity.

Build an :class:`Instance` (arrays, or :func:`instance_from_frames` from the data
contract's DataFrames plus a score table), then ``build_model`` -> ``solve`` ->
``explain``.
"""

from ._cpsat import PlanModel, Progress, Solution, SolveParams, build_model, solve
from ._formulation import Formulation, GroupShare, PlanOptions, build_formulation
from ._instance import NO_CITY, Instance

__all__ = [
    "NO_CITY",
    "Formulation",
    "GroupShare",
    "Instance",
    "PlanModel",
    "PlanOptions",
    "Progress",
    "Solution",
    "SolveParams",
    "build_formulation",
    "build_model",
    "solve",
]
