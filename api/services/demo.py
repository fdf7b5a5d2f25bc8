"""The demo pipeline: scenario -> outcome model -> matches -> plan -> baselines.

Each step calls the same engine functions the service uses; the CLI prints and writes
what this returns.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from arraigo.data import Dataset, working_members
from arraigo.optimizer import (
    PlanOptions,
    SolveParams,
    first_come_first_served,
    instance_from_frames,
    location_only,
    make_plan,
    plan_record,
)

from .matchers import matcher_for
from .outcomes import fit_outcome_model
from .scoring import success_scores


@dataclass
class DemoResult:
    """What the demo found, for the console summary and the HTML report."""

    model_metrics: dict[str, Any]
    matches: pd.DataFrame
    plan: dict[str, Any]
    baselines: dict[str, float]
    score_source: str
    seconds: dict[str, float] = field(default_factory=dict)


def run_demo(
    current: Dataset,
    history: Dataset,
    time_limit: float = 30.0,
    seed: int = 0,
    say: Callable[[str], None] = print,
) -> DemoResult:
    """Train on the past cohort, match and plan the current batch, compare baselines."""
    seconds: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        seconds[name] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    say("Entrenando el modelo de resultados con la cohorte pasada / training the outcome model")
    pairs = history.outcomes.assign(y=history.outcomes["employed_90d"])
    past_matcher = matcher_for(history.vacancies)
    model, metrics = fit_outcome_model(past_matcher, history.people, history.vacancies, pairs)
    step("outcome model", started)

    started = time.perf_counter()
    say("Buscando vacantes para cada persona / matching people to vacancies")
    matcher = matcher_for(current.vacancies, model.relevance_weights())
    adults = current.people[working_members(current.people)]
    adults = adults.assign(skills_text=adults["skills_text"].fillna(""))
    matches = matcher.rank_vacancies(adults, top_k=5)
    scores, source = success_scores(matcher, current.people, current.vacancies, (1, model))
    step("matching", started)

    started = time.perf_counter()
    say(f"Planeando la reubicación (límite {time_limit:.0f} s) / planning the relocation")
    instance = instance_from_frames(current, member_vacancy_scores=scores)
    options = PlanOptions()
    plan = make_plan(instance, options, SolveParams(time_limit=time_limit, seed=seed))
    record = plan_record(plan)
    baselines = {
        "arraigo": float(plan.solution.expected_success),
        "first_come_first_served": float(
            first_come_first_served(instance, options).expected_success
        ),
        "location_only": float(location_only(instance, options).expected_success),
    }
    step("plan", started)
    return DemoResult(metrics, matches, record, baselines, source, seconds)
