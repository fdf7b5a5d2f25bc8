"""Plain-language explanations of a plan (Spanish, or English on request): per family, per
city and resource, per conflict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arraigo.data import resource_label

from ._formulation import Formulation, RowKind, allowed_pairs, placement_values_with_best_jobs
from ._instance import NO_CITY, Instance
from ._lp import Relaxation
from ._options import PlanOptions
from ._solution import Solution
from ._words import Language, label, listing, say


@dataclass(frozen=True)
class FamilyExplanation:
    family_id: str
    city: str | None
    runner_up: str | None
    reason: str


@dataclass(frozen=True)
class ResourceUsage:
    """Use of one resource in one city; ``capacity`` is None where unlimited."""

    city: str
    resource: str
    used: int
    capacity: float | None
    shadow_price: float
    text: str


@dataclass(frozen=True)
class Explanation:
    families: tuple[FamilyExplanation, ...]
    usage: tuple[ResourceUsage, ...]


def explain(
    instance: Instance,
    solution: Solution,
    relaxation: Relaxation | None = None,
    options: PlanOptions | None = None,
    lang: Language = "es",
) -> Explanation:
    """Why each family goes where it goes, and what each city's capacity is worth, in
    Spanish or English (``lang``)."""
    options = options or PlanOptions()
    price = relaxation.shadow_price if relaxation is not None else np.zeros_like(instance.capacity)
    used = _usage(instance, solution.family_city)
    families = _family_reasons(instance, solution, options, price, used, lang)
    usage = _usage_rows(instance, used, price, lang)
    return Explanation(families=families, usage=usage)


def _usage(instance: Instance, family_city: np.ndarray) -> np.ndarray:
    used = np.zeros(instance.capacity.shape, dtype=np.int64)
    placed = family_city != NO_CITY
    np.add.at(used, family_city[placed], instance.use[placed])
    return used


def _family_reasons(
    instance: Instance,
    solution: Solution,
    options: PlanOptions,
    price: np.ndarray,
    used: np.ndarray,
    lang: Language,
) -> tuple[FamilyExplanation, ...]:
    value = placement_values_with_best_jobs(instance, options)
    # Capacity cost of a family in a city, at the LP's shadow prices.
    cost = instance.use @ price.T
    allowed = allowed_pairs(instance, options)
    masked = np.where(allowed, value, -np.inf)
    names = instance.city_names
    jobs_by_family = np.zeros(instance.n_families, dtype=np.int64)
    np.add.at(jobs_by_family, instance.member_family, solution.member_vacancy >= 0)
    out = []
    for f in range(instance.n_families):
        chosen = int(solution.family_city[f])
        others = masked[f].copy()
        if chosen != NO_CITY:
            others[chosen] = -np.inf
        runner = int(np.argmax(others)) if np.isfinite(others).any() else NO_CITY
        case = _Case(f, chosen, runner, value[f], cost[f], int(jobs_by_family[f]))
        out.append(
            FamilyExplanation(
                family_id=str(instance.family_ids[f]),
                city=None if chosen == NO_CITY else str(names[chosen]),
                runner_up=None if runner == NO_CITY else str(names[runner]),
                reason=_reason(instance, case, used, lang),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class _Case:
    """One family's choice: its city and the next best, what each is worth to the plan
    (value) and what its places there cost other families (cost), and its members hired."""

    family: int
    chosen: int
    runner: int
    value: np.ndarray
    cost: np.ndarray
    hired: int


def _reason(instance: Instance, case: _Case, used: np.ndarray, lang: Language) -> str:
    names = instance.city_names
    f, chosen, runner = case.family, case.chosen, case.runner
    if instance.locked_city[f] != NO_CITY and chosen == instance.locked_city[f]:
        return say("locked", lang, city=names[chosen])
    if chosen == NO_CITY:
        if runner == NO_CITY:
            return say("nowhere", lang)
        short = _short_resources(instance, f, runner, used, lang)
        key = "waits_full" if short else "waits_worth"
        return say(key, lang, city=names[runner], short=short) + _preferred(instance, f, lang)
    text = say("goes", lang, city=names[chosen])
    if case.hired:
        text += say("job" if case.hired == 1 else "jobs", lang, n=case.hired)
    preference = instance.preference[f]
    if preference[chosen] > 0:
        text += say("first_choice" if preference[chosen] >= preference.max() else "a_choice", lang)
    if instance.tie_city[f] == chosen:
        text += say("ties", lang)
    if runner == NO_CITY:
        return text + say("only", lang)
    if case.value[runner] > case.value[chosen] + 1e-9:
        short = _short_resources(instance, f, runner, used, lang)
        key = "better_full" if short else "better_worth"
        text += say(key, lang, runner=names[runner], short=short)
    else:
        text += say("best", lang, runner=names[runner])
    return text + ("" if preference[chosen] > 0 else _preferred(instance, f, lang))


def _preferred(instance: Instance, f: int, lang: Language) -> str:
    """ " The family preferred …" when it named cities the plan does not give it."""
    preference = instance.preference[f]
    ranked = [int(c) for c in np.argsort(-preference, kind="stable") if preference[c] > 0]
    if not ranked:
        return ""
    return say(
        "preferred_elsewhere",
        lang,
        cities=listing([str(instance.city_names[c]) for c in ranked], lang),
    )


def _short_resources(instance: Instance, f: int, c: int, used: np.ndarray, lang: Language) -> str:
    """Resources of city ``c`` that cannot take family ``f`` on top of the plan."""
    left = instance.capacity[c] - used[c]
    short = np.flatnonzero(instance.use[f] > left)
    return ", ".join(label(instance.resources[r], lang) for r in short)


def _usage_rows(
    instance: Instance, used: np.ndarray, price: np.ndarray, lang: Language
) -> tuple[ResourceUsage, ...]:
    rows = []
    for c, city in enumerate(instance.city_names):
        for r, resource in enumerate(instance.resources):
            cap = instance.capacity[c, r]
            name = label(resource, lang)
            if np.isfinite(cap):
                text = say("usage", lang, city=city, label=name, used=used[c, r], cap=cap)
                if price[c, r] > 1e-6:
                    text += say("usage_price", lang, city=city, label=name, price=price[c, r])
                else:
                    text += say("usage_slack", lang)
            else:
                text = say("usage_unlimited", lang, city=city, label=name, used=used[c, r])
            rows.append(
                ResourceUsage(
                    city=str(city),
                    resource=resource,
                    used=int(used[c, r]),
                    capacity=float(cap) if np.isfinite(cap) else None,
                    shadow_price=float(price[c, r]),
                    text=text + ".",
                )
            )
    return tuple(rows)


def describe_conflicts(
    instance: Instance, options: PlanOptions, formulation: Formulation, rows: np.ndarray
) -> tuple[str, ...]:
    """Plain words for formulation rows that cannot all hold together."""
    names, ids = instance.city_names, instance.family_ids
    locked = instance.locked_city
    lines = []
    for row in rows:
        kind = RowKind(int(formulation.row_kind[row]))
        a, b = (int(v) for v in formulation.row_ref[row])
        if kind == RowKind.LOCK:
            lines.append(f"La familia {ids[a]} está fijada por el personal en {names[b]}.")
        elif kind == RowKind.VETO:
            lines.append(
                f"La familia {ids[a]} no puede ir a {names[b]} (ciudad excluida, "
                "incompatible o fuera de sus vínculos)."
            )
        elif kind == RowKind.CAPACITY:
            need = int(instance.use[locked == a, b].sum())
            lines.append(
                f"{names[a]} tiene {instance.capacity[a, b]:.0f} de "
                f"{resource_label(instance.resources[b])}; las familias fijadas ahí "
                f"necesitan {need}."
            )
        elif kind == RowKind.INTAKE:
            limit = options.intake_limit[str(names[a])]
            lines.append(
                f"{names[a]} recibe como máximo {limit} familias por lote; hay "
                f"{int((locked == a).sum())} fijadas ahí."
            )
        elif kind == RowKind.FAIRNESS:
            group = options.fairness[a]
            lines.append(
                f"Al menos {group.min_share:.0%} de las familias reubicadas deben ser del "
                f"grupo «{group.name}»."
            )
    return tuple(lines)
