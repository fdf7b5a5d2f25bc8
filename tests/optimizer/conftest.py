"""Random instances and an independent plan checker shared by the optimizer tests."""

from __future__ import annotations

import numpy as np
import pytest

from arraigo.optimizer import NO_CITY, Instance, PlanOptions, Solution


def random_instance(
    seed: int,
    families: int = 12,
    cities: int = 3,
    resources: int = 3,
    vacancies: int = 5,
    tightness: float = 0.4,
    ties: bool = True,
    locks: bool = False,
) -> Instance:
    """A small batch with tight capacities, some vetoes, ties, unlimited cells and jobs."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 5, families)
    member_family = np.repeat(np.arange(families), size)
    n_members = len(member_family)
    use = rng.integers(0, 3, (families, resources))
    use[:, 0] = 1
    capacity = np.ceil(tightness * use.sum(0) / cities * rng.uniform(0.5, 1.5, (cities, resources)))
    capacity[rng.random((cities, resources)) < 0.15] = np.inf
    excluded = rng.random((families, cities)) < 0.15
    tie_city = np.where(rng.random(families) < 0.15, rng.integers(0, cities, families), NO_CITY)
    if not ties:
        tie_city[:] = NO_CITY
    locked_city = np.full(families, NO_CITY)
    if locks:
        pick = rng.choice(families, size=max(1, families // 6), replace=False)
        locked_city[pick] = rng.integers(0, cities, len(pick))
        excluded[pick, locked_city[pick]] = False
        tie_city[pick] = NO_CITY
    vacancy_city = rng.integers(0, cities, vacancies)
    positions = rng.integers(1, 4, vacancies)
    worker = np.flatnonzero(rng.random(n_members) < 0.7)
    pairs = np.array([(m, v) for m in worker for v in range(vacancies) if rng.random() < 0.5])
    pairs = pairs.reshape(-1, 2)
    return Instance(
        family_ids=np.array([f"F{i:03d}" for i in range(families)], dtype=object),
        city_names=np.array([f"City{c}" for c in range(cities)], dtype=object),
        resources=tuple(f"r{r}" for r in range(resources)),
        capacity=capacity,
        use=use,
        excluded=excluded,
        family_city_score=np.round(rng.random((families, cities)) * size[:, None] * 0.3, 4),
        member_ids=np.array([f"P{m:04d}" for m in range(n_members)], dtype=object),
        member_family=member_family,
        vacancy_ids=np.array([f"V{v:03d}" for v in range(vacancies)], dtype=object),
        vacancy_city=vacancy_city,
        positions=positions,
        edge_member=pairs[:, 0].astype(np.int64),
        edge_vacancy=pairs[:, 1].astype(np.int64),
        edge_score=np.round(rng.random(len(pairs)), 4),
        preference=np.round(rng.random((families, cities)), 2),
        vulnerability=(rng.random(families) < 0.3).astype(float),
        tie_city=tie_city,
        locked_city=locked_city,
    )


def plan_points(instance: Instance, options: PlanOptions, solution: Solution) -> float:
    """The objective of a plan computed from the instance alone, loop by loop."""
    pref_w, vuln_w = options.weights(instance)
    total = 0.0
    for f, c in enumerate(solution.family_city):
        if c == NO_CITY:
            continue
        total += instance.family_city_score[f, c] + pref_w * instance.preference[f, c]
        total += vuln_w * instance.vulnerability[f]
        if options.ties == "soft" and instance.tie_city[f] == c:
            total += options.tie_weight
    score = {
        (int(m), int(v)): s
        for m, v, s in zip(
            instance.edge_member, instance.edge_vacancy, instance.edge_score, strict=True
        )
    }
    for m, v in enumerate(solution.member_vacancy):
        if v >= 0:
            total += score[(m, int(v))]
    return total


def check_plan(instance: Instance, options: PlanOptions, solution: Solution) -> list[str]:
    """Every rule of the plan, checked without the optimizer's code; returns violations."""
    problems = []
    city = solution.family_city
    for f, c in enumerate(city):
        if c == NO_CITY:
            if instance.locked_city[f] != NO_CITY:
                problems.append(f"locked family {f} not placed")
            continue
        if instance.excluded[f, c]:
            problems.append(f"family {f} sent to excluded city {c}")
        tie = instance.tie_city[f]
        if options.ties == "hard" and tie != NO_CITY and c != tie:
            problems.append(f"family {f} tied to {tie} but sent to {c}")
        lock = instance.locked_city[f]
        if lock != NO_CITY and c != lock:
            problems.append(f"family {f} locked to {lock} but sent to {c}")
    for c in range(instance.n_cities):
        for r in range(len(instance.resources)):
            used = sum(instance.use[f, r] for f in range(instance.n_families) if city[f] == c)
            if used > instance.capacity[c, r]:
                problems.append(f"city {c} resource {r}: {used} > {instance.capacity[c, r]}")
        if instance.city_names[c] in options.intake_limit:
            n = sum(1 for f in range(instance.n_families) if city[f] == c)
            if n > options.intake_limit[instance.city_names[c]]:
                problems.append(f"city {c} intake {n} over limit")
    edges = set(zip(instance.edge_member.tolist(), instance.edge_vacancy.tolist(), strict=True))
    hires = {}
    for m, v in enumerate(solution.member_vacancy):
        if v < 0:
            continue
        hires[v] = hires.get(v, 0) + 1
        if (m, int(v)) not in edges:
            problems.append(f"member {m} given incompatible vacancy {v}")
        if city[instance.member_family[m]] != instance.vacancy_city[v]:
            problems.append(f"member {m} works in another city than the family")
    for v, n in hires.items():
        if n > instance.positions[v]:
            problems.append(f"vacancy {v}: {n} hires > {instance.positions[v]} positions")
    for group in options.fairness:
        placed = city != NO_CITY
        if (placed & group.mask).sum() < group.min_share * placed.sum() - 1e-9:
            problems.append(f"group {group.name} below its minimum share")
    return problems


@pytest.fixture
def make_instance():
    return random_instance


@pytest.fixture
def check():
    return check_plan


@pytest.fixture
def points():
    return plan_points
