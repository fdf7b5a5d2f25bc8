"""Baselines to measure Arraigo against: what staff do by hand, and location-only
optimisation (Annie MOORE / GeoMatch style: the city by predicted success, then jobs)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._cpsat import SolveParams, build_model
from ._formulation import build_formulation, placement_values_with_best_jobs
from ._greedy import assign_jobs, place_families
from ._instance import Instance
from ._options import PlanOptions
from ._plan import best_jobs, make_plan
from ._plan_vector import plan_from_vector, plan_vector
from ._solution import Solution, solution_of_vector


def first_come_first_served(instance: Instance, options: PlanOptions | None = None) -> Solution:
    """Families in order of registration, each to its highest-ranked preferred city with
    room (else the first programme city with room); then jobs, best candidates first."""
    options = options or PlanOptions()
    order = np.argsort(instance.arrival_order, kind="stable")
    # Unranked cities rank below every preferred one, in the programme's list order.
    ranking = instance.preference - 1e-6 * np.arange(instance.n_cities)[None, :]
    family_city = place_families(instance, options, order, ranking)
    return evaluate(instance, options, family_city, assign_jobs(instance, family_city))


def location_only(
    instance: Instance, options: PlanOptions | None = None, params: SolveParams | None = None
) -> Solution:
    """Cities chosen by optimising each family's predicted success per city (its members'
    best job prospects there, positions ignored), then the best job assignment."""
    options = options or PlanOptions()
    params = params or SolveParams()
    no_jobs = np.zeros(0, dtype=np.int64)
    by_location = replace(
        instance,
        family_city_score=placement_values_with_best_jobs(
            instance, PlanOptions(0.0, 0.0, ties=options.ties)
        ),
        edge_member=no_jobs,
        edge_vacancy=no_jobs,
        edge_score=np.zeros(0),
    )
    family_city = make_plan(by_location, options, params).solution.family_city
    return with_best_jobs(instance, options, family_city, params)


def with_best_jobs(
    instance: Instance, options: PlanOptions, family_city: np.ndarray, params: SolveParams
) -> Solution:
    """The given family–city choices with the optimal job assignment."""
    model, form = build_model(instance, options)
    greedy = plan_vector(form, instance, family_city, assign_jobs(instance, family_city))
    best = best_jobs(model, greedy, params)
    return evaluate(instance, options, *plan_from_vector(form, instance, best))


def evaluate(
    instance: Instance, options: PlanOptions, family_city: np.ndarray, member_vacancy: np.ndarray
) -> Solution:
    """A plan made elsewhere, scored with the optimizer's objective (no bound)."""
    form = build_formulation(instance, options)
    return solution_of_vector(
        form, instance, plan_vector(form, instance, family_city, member_vacancy)
    )
