"""From a plan job's parameters and staff decisions to a solved plan record.

Runs in the plan job's child process (see ``jobs``): it only reads the database.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import Dataset
from arraigo.optimizer import (
    GroupShare,
    PlanOptions,
    SolveParams,
    capacity_prices,
    first_come_first_served,
    instance_from_frames,
    make_plan,
    plan_record,
)

from ..db import PlanDecision, PlanJob
from ..settings import get_settings
from ..vocab import DecisionAction
from . import ledger, pricing
from .scoring import member_vacancy_scores
from .store import current_dataset, json_safe

# At most one progress message a second reaches the database.
PROGRESS_EVERY = 1.0


def batch(dataset: Dataset, families: list[str] | None, cities: list[str] | None) -> Dataset:
    """The families (with their people) and the cities (with their vacancies) of a batch."""
    fam, people = dataset.families, dataset.people
    dest, vac = dataset.destinations, dataset.vacancies
    if families:
        fam = fam[fam["family_id"].isin(families)]
        people = people[people["family_id"].isin(fam["family_id"])]
    if cities:
        dest = dest[dest["city"].isin(cities)]
        if vac is not None:
            vac = vac[vac["city"].isin(cities)]
    # A family's veto or preference of a city outside the batch simply does not apply.
    names = set(dest["city"])
    fam = fam.assign(
        preferred_cities=fam["preferred_cities"].map(lambda c: tuple(x for x in c if x in names)),
        excluded_cities=fam["excluded_cities"].map(lambda c: tuple(x for x in c if x in names)),
    )
    if "ties_city" in fam:
        fam = fam.assign(ties_city=fam["ties_city"].where(fam["ties_city"].isin(names)))
    return Dataset(
        people=people.reset_index(drop=True),
        families=fam.reset_index(drop=True),
        destinations=dest.reset_index(drop=True),
        vacancies=None if vac is None or vac.empty else vac.reset_index(drop=True),
    )


def pricing_record(instance, options: PlanOptions, horizon: float, forecast: int) -> dict[str, Any]:
    """How the plan priced capacity for the weeks to come, for the review page."""
    prices = []
    if options.capacity_price is not None:
        price = np.asarray(options.capacity_price)
        for c, r in zip(*np.nonzero(price > 1e-9), strict=True):
            prices.append(
                {
                    "city": instance.city_names[c],
                    "resource": instance.resources[r],
                    "price": float(price[c, r]),
                }
            )
    return {
        "method": "dynamic" if forecast else "myopic",
        "horizon_weeks": horizon,
        "forecast_families": forecast,
        "prices": sorted(prices, key=lambda p: -p["price"]),
    }


def decisions_of(session: Session, plan_id: int) -> list[PlanDecision]:
    """Staff decisions on a plan and on the plans it was re-optimised from."""
    chain, job = [], session.get(PlanJob, plan_id)
    while job is not None:
        chain.append(job.id)
        job = session.get(PlanJob, job.parent_id) if job.parent_id else None
    rows = session.scalars(
        select(PlanDecision).where(PlanDecision.plan_id.in_(chain)).order_by(PlanDecision.id)
    )
    return list(rows)


def constraints_of(decisions: list[PlanDecision]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The locks (family -> city; a move is a lock elsewhere) and vetoes (family, city)
    that decisions, in the order taken, leave in force."""
    locks: dict[str, str] = {}
    vetoes: list[tuple[str, str]] = []
    for decision in decisions:
        if decision.action in (DecisionAction.lock, DecisionAction.move):
            locks[decision.family_id] = decision.city
        elif decision.action == DecisionAction.veto:
            vetoes.append((decision.family_id, decision.city))
            if locks.get(decision.family_id) == decision.city:
                del locks[decision.family_id]
    return locks, vetoes


def plan_job(
    session: Session, job_id: int, on_progress: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Solve a job's batch under its staff decisions; returns the plan.json record plus
    what the scores came from."""
    job = session.get(PlanJob, job_id)
    params = job.params
    # Solved against what remains: capacity and positions less what placements hold.
    dataset = batch(current_dataset(session), params.get("families"), params.get("cities"))
    dataset = ledger.remaining_dataset(session, dataset)
    solved_against = ledger.state(session)
    locks, vetoes = constraints_of(decisions_of(session, job_id))
    locks = {f: c for f, c in locks.items() if f in set(dataset.families["family_id"])}
    options = PlanOptions(
        preference_weight=params.get("preference_weight"),
        vulnerability_weight=params.get("vulnerability_weight"),
        ties=params.get("ties", "hard"),
    )
    # With the arrivals expected before the cities declare new numbers (pricing), the
    # batch's families first: the batch is their subset, on the same cities and vacancies.
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else dt.date.today()
    horizon, until = pricing.weeks_to_renewal(
        session, dataset.destinations, as_of, get_settings().capacity_period_weeks
    )
    if params.get("horizon_weeks") is not None:
        horizon = float(params["horizon_weeks"])
    if not params.get("dynamic", True):
        horizon = 0.0
    pool, forecast = pricing.with_forecast(
        session, dataset, horizon, as_of, int(params.get("seed", 0))
    )
    scores, source = member_vacancy_scores(session, pool)
    pool_instance = instance_from_frames(
        pool,
        member_vacancy_scores=scores,
        locks=locks,
        forbidden=pd.DataFrame(vetoes, columns=["family_id", "city"]) if vetoes else None,
    )
    in_batch = np.arange(len(dataset.families))
    instance = pool_instance.subset(in_batch) if forecast else pool_instance
    if forecast:
        options = capacity_prices(
            pool_instance, in_batch, np.arange(len(dataset.families), len(pool.families)), options
        )
    if params.get("vulnerable_min_share"):
        # The batch's own families only: the forecast pool above is priced without it.
        vulnerable = GroupShare(
            "vulnerables", instance.vulnerability > 0, float(params["vulnerable_min_share"])
        )
        options = replace(options, fairness=(vulnerable,))
    last = [-PROGRESS_EVERY]

    def report(progress) -> None:
        if progress.elapsed - last[0] >= PROGRESS_EVERY:
            last[0] = progress.elapsed
            on_progress(json_safe(asdict(progress)))

    solve = SolveParams(
        time_limit=float(params.get("time_limit", 60)),
        seed=int(params.get("seed", 0)),
        on_progress=report,
    )
    started = time.perf_counter()
    plan = make_plan(instance, options, solve)
    record = plan_record(plan)
    # The city each family would go to next: staff read it beside the reason.
    runner_up = {e.family_id: e.runner_up for e in plan.explanation.families}
    for family in record["families"]:
        family["runner_up"] = runner_up.get(family["family_id"])
    # What staff would have reached by hand on the same batch, for the review page.
    fcfs = first_come_first_served(instance, options).expected_success
    record["baselines"] = {"first_come_first_served": float(fcfs)}
    record["score_source"] = source
    record["locks"] = locks
    record["vetoes"] = [list(v) for v in vetoes]
    record["wall_seconds"] = round(time.perf_counter() - started, 3)
    record["ledger"] = solved_against
    record["pricing"] = pricing_record(instance, options, horizon, forecast)
    record["pricing"].update(
        requested=bool(params.get("dynamic", True)),
        as_of=as_of,
        declared_until=until,
    )
    return json_safe(record)
