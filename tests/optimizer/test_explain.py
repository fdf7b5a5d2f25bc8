"""Shadow prices, explanations and infeasibility reports read true and plain."""

from __future__ import annotations

import numpy as np
import pytest

from arraigo.optimizer import (
    NO_CITY,
    GroupShare,
    Instance,
    PlanOptions,
    SolveParams,
    build_formulation,
    make_plan,
    plan_record,
    relax,
)

FAST = SolveParams(time_limit=10, seed=0)


def two_city_instance() -> Instance:
    """Three families want Saltillo (one primaria seat); León is the fallback."""
    return Instance(
        family_ids=np.array(["A", "B", "C"], dtype=object),
        city_names=np.array(["Saltillo", "León"], dtype=object),
        resources=("housing_units", "school_primaria"),
        capacity=np.array([[3.0, 1.0], [3.0, np.inf]]),
        use=np.array([[1, 1], [1, 1], [1, 0]]),
        excluded=np.zeros((3, 2), dtype=bool),
        family_city_score=np.array([[1.0, 0.6], [0.9, 0.2], [0.5, 0.4]]),
        exact_scores=True,
    )


def test_shadow_price_equals_the_gain_of_one_more_seat(make_instance):
    instance = make_instance(3, families=30, cities=3)
    base = relax(instance)
    c, r = np.unravel_index(np.argmax(base.shadow_price), base.shadow_price.shape)
    assert base.shadow_price[c, r] > 0
    more = instance.capacity.copy()
    more[c, r] += 1
    gain = relax(instance.with_capacity(more)).objective - base.objective
    assert gain == pytest.approx(base.shadow_price[c, r], abs=5e-3)


def test_unlimited_resources_have_no_price(make_instance):
    instance = make_instance(4, families=25)
    prices = relax(instance).shadow_price
    assert np.all(prices[~np.isfinite(instance.capacity)] == 0.0)
    assert np.all(prices >= 0.0)


def test_lp_bound_is_never_below_the_integer_plan(make_instance):
    for seed in range(5):
        instance = make_instance(seed, families=20)
        plan = make_plan(instance, params=FAST)
        assert plan.relaxation.objective >= plan.solution.objective - 1e-6


def test_explanations_name_the_city_the_runner_up_and_the_scarce_seat():
    plan = make_plan(two_city_instance(), params=FAST)
    by_family = {e.family_id: e for e in plan.explanation.families}
    assert by_family["B"].city == "Saltillo"
    assert by_family["A"].city == "León"
    assert by_family["A"].runner_up == "Saltillo"
    assert "primaria" in by_family["A"].reason
    usage = {(u.city, u.resource): u for u in plan.explanation.usage}
    seat = usage["Saltillo", "school_primaria"]
    assert (seat.used, seat.capacity) == (1, 1.0)
    # A second seat would let A move from León (0.6) to Saltillo (1.0): +0.4.
    assert seat.shadow_price == pytest.approx(0.4)
    assert "un lugar más de primaria en Saltillo sumaría 0.40 al valor del plan" in seat.text
    assert usage["León", "school_primaria"].capacity is None


def test_lock_against_a_veto_is_reported_in_plain_words():
    instance = two_city_instance()
    instance.excluded[0, 1] = True
    instance.locked_city[0] = 1
    plan = make_plan(instance, params=FAST)
    assert plan.solution.status == "infeasible"
    assert len(plan.conflicts) == 2
    text = " ".join(plan.conflicts)
    assert "La familia A está fijada por el personal en León" in text
    assert "La familia A no puede ir a León" in text


def test_locks_beyond_capacity_name_the_resource_and_nothing_else():
    instance = two_city_instance()
    instance.locked_city[:2] = 0
    plan = make_plan(instance, params=FAST)
    assert plan.solution.status == "infeasible"
    text = " ".join(plan.conflicts)
    assert "Saltillo tiene 1 de primaria; las familias fijadas ahí necesitan 2" in text
    assert "familia A está fijada" in text and "familia B está fijada" in text
    assert "vivienda" not in text
    record = plan_record(plan)
    assert record["status"] == "infeasible"
    assert all(f["city"] is None for f in record["families"])


def test_plan_record_has_the_shape_of_plan_json(make_instance):
    instance = make_instance(2, families=10, vacancies=6)
    record = plan_record(make_plan(instance, params=FAST))
    assert record["status"] == "optimal"
    assert set(record) >= {"status", "objective", "bound", "gap", "solve_seconds"}
    assert len(record["families"]) == instance.n_families
    assert len(record["members"]) == instance.n_members
    assert len(record["usage"]) == instance.n_cities * len(instance.resources)
    placed = [f for f in record["families"] if f["city"] is not None]
    assert all(f["reason"].startswith("Va a " + f["city"]) or "fijada" in f["reason"]
               for f in placed)  # fmt: skip
    not_placed = [f for f in record["families"] if f["city"] is None]
    assert all("No " in f["reason"] for f in not_placed)


def test_family_with_every_city_excluded_is_told_why():
    instance = two_city_instance()
    instance.excluded[2] = True
    plan = make_plan(instance, params=FAST)
    reason = next(e for e in plan.explanation.families if e.family_id == "C").reason
    assert plan.solution.family_city[2] == NO_CITY
    assert "No hay ciudad posible" in reason


def test_hard_tie_outside_the_lock_does_not_block_staff_decision():
    instance = two_city_instance()
    instance.tie_city[2] = 1
    instance.locked_city[2] = 0
    plan = make_plan(instance, PlanOptions(ties="hard"), params=FAST)
    assert plan.solution.family_city[2] == 0


def test_pdlp_bound_holds_however_approximate_its_duals(make_instance):
    for seed in range(3):
        instance = make_instance(60 + seed, families=25, vacancies=6)
        best = make_plan(instance, params=FAST).solution
        assert best.status == "optimal"
        pdlp = relax(instance, method="pdlp")
        assert pdlp.method == "pdlp"
        assert pdlp.bound >= best.objective - 1e-6
        assert np.all(pdlp.shadow_price >= 0.0)


def test_reasons_speak_the_pages_language_and_of_the_familys_own_preferences():
    instance = two_city_instance()
    instance.preference[:] = [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    plan = make_plan(instance, params=FAST)
    spanish = {e.family_id: e.reason for e in plan.explanation.families}
    assert "La familia prefería Saltillo" in spanish["A"]  # sent to León: no seat left
    assert "primaria" in spanish["A"]
    assert "su ciudad preferida" in spanish["C"] or "prefería León" in spanish["C"]
    record = plan_record(plan)
    english = {f["family_id"]: f["reason_en"] for f in record["families"]}
    assert (
        english["A"].startswith("Goes to León") and "The family preferred Saltillo" in english["A"]
    )
    assert "primary school" in english["A"]
    assert not any(
        "puntos" in f["reason"] or "points" in f["reason_en"] for f in record["families"]
    )


def test_the_price_of_a_minimum_group_share_is_what_one_point_more_costs(make_instance):
    """The LP dual of the share row against re-solving the LP with the share a tenth of a
    point higher: the loss is price · δ · families relocated."""
    instance = make_instance(1, families=30, cities=3)
    group = np.arange(instance.n_families) % 3 == 0
    options = PlanOptions(fairness=(GroupShare("g", group, 0.5),))
    base = relax(instance, options)
    assert base.share_price[0] > 0.1, "the share binds in this batch"
    relocated = base.values[: build_formulation(instance, options).n_pairs].sum()
    higher = relax(instance, PlanOptions(fairness=(GroupShare("g", group, 0.501),)))
    loss = base.objective - higher.objective
    assert loss == pytest.approx(base.share_price[0] * 0.001 * relocated, rel=1e-3)
    # The plan record states it per percentage point, with the share reached.
    share = plan_record(make_plan(instance, options, params=FAST))["shares"][0]
    assert share["min_share"] == 0.5 and share["share"] >= 0.5 - 1e-9
    assert share["price"] == pytest.approx(base.share_price[0], abs=1e-6)
