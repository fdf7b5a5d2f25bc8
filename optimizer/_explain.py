"""Plain-Spanish explanations of a plan: per family, per city and resource, per conflict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arraigo.data import resource_label

from ._formulation import Formulation, RowKind, allowed_pairs, placement_values_with_best_jobs
from ._instance import NO_CITY, Instance
from ._lp import Relaxation
from ._options import PlanOptions
from ._solution import Solution


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
) -> Explanation:
    """Why each family goes where it goes, and what each city's capacity is worth."""
    options = options or PlanOptions()
    price = relaxation.shadow_price if relaxation is not None else np.zeros_like(instance.capacity)
    used = _usage(instance, solution.family_city)
    families = _family_reasons(instance, solution, options, price, used)
    usage = _usage_rows(instance, used, price)
    return Explanation(families=families, usage=usage)


def hired_scores(instance: Instance, solution: Solution) -> np.ndarray:
    """(M,) success probability of each member in the vacancy the plan gives them (0 if none)."""
    n_v = max(len(instance.vacancy_ids), 1)
    edge_key = instance.edge_member * n_v + instance.edge_vacancy
    order = np.argsort(edge_key)
    hired = np.flatnonzero(solution.member_vacancy >= 0)
    found = np.searchsorted(edge_key[order], hired * n_v + solution.member_vacancy[hired])
    scores = np.zeros(instance.n_members)
    scores[hired] = instance.edge_score[order[found]]
    return scores


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
) -> tuple[FamilyExplanation, ...]:
    value = placement_values_with_best_jobs(instance, options)
    # Capacity cost of a family in a city, at the LP's shadow prices.
    cost = instance.use @ price.T
    allowed = allowed_pairs(instance, options)
    masked = np.where(allowed, value, -np.inf)
    names = instance.city_names
    jobs_by_family = np.zeros(instance.n_families)
    np.add.at(jobs_by_family, instance.member_family, hired_scores(instance, solution))
    out = []
    for f in range(instance.n_families):
        chosen = int(solution.family_city[f])
        others = masked[f].copy()
        if chosen != NO_CITY:
            others[chosen] = -np.inf
        runner = int(np.argmax(others)) if np.isfinite(others).any() else NO_CITY
        reason = _reason(instance, f, chosen, runner, value[f], cost[f], used, jobs_by_family[f])
        out.append(
            FamilyExplanation(
                family_id=str(instance.family_ids[f]),
                city=None if chosen == NO_CITY else str(names[chosen]),
                runner_up=None if runner == NO_CITY else str(names[runner]),
                reason=reason,
            )
        )
    return tuple(out)


def _reason(
    instance: Instance,
    f: int,
    chosen: int,
    runner: int,
    value: np.ndarray,
    cost: np.ndarray,
    used: np.ndarray,
    jobs: float,
) -> str:
    names = instance.city_names
    if instance.locked_city[f] != NO_CITY and chosen == instance.locked_city[f]:
        return f"Asignación fijada por el personal en {names[chosen]}."
    if chosen == NO_CITY:
        if runner == NO_CITY:
            return "No hay ciudad posible: todas están excluidas o fuera de sus vínculos."
        short = _short_resources(instance, f, runner, used)
        if short:
            return (
                f"No se reubica en este lote: su mejor opción, {names[runner]} "
                f"({value[runner]:.2f} puntos), no tiene cupo de {short}."
            )
        return (
            f"No se reubica en este lote: en {names[runner]} aportaría {value[runner]:.2f} "
            f"puntos, menos que el valor de los cupos que ocuparía ({cost[runner]:.2f})."
        )
    parts = [f"Va a {names[chosen]}"]
    if jobs > 0:
        parts.append(f" con {jobs:.2f} empleos esperados")
    if instance.tie_city[f] == chosen:
        parts.append(", donde tiene vínculos")
    if runner == NO_CITY:
        return "".join(parts) + "; es su única ciudad posible."
    if value[runner] > value[chosen] + 1e-9:
        short = _short_resources(instance, f, runner, used)
        why = (
            f"no queda cupo de {short}"
            if short
            else f"sus cupos valen más para otras familias ({cost[runner]:.2f} frente a "
            f"{cost[chosen]:.2f})"
        )
        return "".join(parts) + (
            f". {names[runner]} daría más ({value[runner]:.2f} frente a "
            f"{value[chosen]:.2f} puntos), pero {why}."
        )
    return "".join(parts) + (
        f": rinde {value[chosen]:.2f} puntos frente a {value[runner]:.2f} en "
        f"{names[runner]}, la siguiente opción."
    )


def _short_resources(instance: Instance, f: int, c: int, used: np.ndarray) -> str:
    """Resources of city ``c`` that cannot take family ``f`` on top of the plan."""
    left = instance.capacity[c] - used[c]
    short = np.flatnonzero(instance.use[f] > left)
    return ", ".join(resource_label(instance.resources[r]) for r in short)


def _usage_rows(
    instance: Instance, used: np.ndarray, price: np.ndarray
) -> tuple[ResourceUsage, ...]:
    rows = []
    for c, city in enumerate(instance.city_names):
        for r, resource in enumerate(instance.resources):
            cap = instance.capacity[c, r]
            label = resource_label(resource)
            if np.isfinite(cap):
                text = f"{city}, {label}: {used[c, r]} de {cap:.0f} usados"
                if price[c, r] > 1e-6:
                    text += f"; un lugar más de {label} en {city} vale +{price[c, r]:.2f} puntos"
                    text += " (empleos esperados)"
                else:
                    text += "; sobra cupo o no limita el plan"
            else:
                text = f"{city}, {label}: {used[c, r]} usados, sin límite"
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
