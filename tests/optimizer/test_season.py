"""Season simulation: weekly plans never beat the hindsight optimum's bound."""

from __future__ import annotations

import numpy as np
import pytest

from arraigo.optimizer import (
    PlanOptions,
    SolveParams,
    capacity_prices,
    hindsight,
    simulate_season,
)

FAST = SolveParams(time_limit=5)
SCORES_ONLY = PlanOptions(preference_weight=0.0, vulnerability_weight=0.0)


@pytest.fixture
def season(make_instance):
    pool = make_instance(50, families=60, cities=3, vacancies=8, tightness=0.3, ties=False)
    weeks = [np.arange(8 * w, 8 * w + 8) for w in range(4)]
    history = np.arange(32, 60)
    return pool, weeks, history


@pytest.mark.parametrize("method", ["greedy", "myopic", "dynamic"])
def test_no_online_method_beats_hindsight(season, method):
    pool, weeks, history = season
    result = simulate_season(
        pool, weeks, history, method, weeks_per_month=2, options=SCORES_ONLY, params=FAST
    )
    value, bound = hindsight(pool, weeks, weeks_per_month=2, options=SCORES_ONLY, params=FAST)
    assert len(result.weekly) == 4
    assert 0 < result.total <= bound + 1e-6
    assert value <= bound + 1e-6


def test_capacity_prices_rise_when_more_arrivals_are_expected(season):
    pool, weeks, history = season
    alone = capacity_prices(pool, weeks[0], history[:0], SCORES_ONLY)
    crowded = capacity_prices(pool, weeks[0], history, SCORES_ONLY)
    assert alone.capacity_price.shape == pool.capacity.shape
    assert crowded.position_price.shape == pool.positions.shape
    assert crowded.capacity_price.sum() >= alone.capacity_price.sum()
    assert crowded.capacity_price.sum() + crowded.position_price.sum() > 0


def test_several_sampled_futures_price_capacity_at_the_mean_of_their_duals(season):
    pool, weeks, history = season
    one, other = history[: len(history) // 2], history[len(history) // 2 :]
    first = capacity_prices(pool, weeks[0], one, SCORES_ONLY).capacity_price
    second = capacity_prices(pool, weeks[0], other, SCORES_ONLY).capacity_price
    both = capacity_prices(pool, weeks[0], [one, other], SCORES_ONLY).capacity_price
    np.testing.assert_allclose(both, (first + second) / 2)
