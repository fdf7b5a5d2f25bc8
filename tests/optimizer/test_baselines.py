"""Baselines make valid plans, and the optimizer is never worse than them."""

from __future__ import annotations

import pytest

from arraigo.optimizer import (
    PlanOptions,
    SolveParams,
    first_come_first_served,
    location_only,
    make_plan,
)

FAST = SolveParams(time_limit=10)


@pytest.mark.parametrize("seed", range(4))
def test_baselines_obey_every_rule_and_never_beat_the_optimizer(seed, make_instance, check, points):
    instance = make_instance(30 + seed, families=20, cities=3, vacancies=8)
    options = PlanOptions()
    best = make_plan(instance, options, FAST).solution
    for baseline in (
        first_come_first_served(instance, options),
        location_only(instance, options, FAST),
    ):
        assert check(instance, options, baseline) == []
        assert baseline.objective == pytest.approx(points(instance, options, baseline), abs=1e-6)
        assert baseline.objective <= best.objective + 1e-6


def test_first_come_first_served_serves_earlier_registrations_first(make_instance):
    instance = make_instance(40, families=30, cities=2, tightness=0.3, ties=False)
    instance.excluded[:] = False
    solution = first_come_first_served(instance)
    placed = solution.family_city >= 0
    assert placed.any() and not placed.all()
    # Nobody registered later is placed while someone earlier with the same needs waits.
    for f in range(instance.n_families):
        for g in range(instance.n_families):
            if (
                instance.arrival_order[f] < instance.arrival_order[g]
                and (instance.use[f] == instance.use[g]).all()
            ):
                assert placed[f] or not placed[g]
