"""The sentences of a plan's explanations, in Spanish (default) and English.

Reasons speak of cities, vacancies, preferences and places, not of objective points:
a number without its unit means nothing to staff, and the unit (expected jobs, or
uncalibrated matching scores) is the caller's to state beside the plan.
"""

from __future__ import annotations

from typing import Literal

from arraigo.data import resource_label

Language = Literal["es", "en"]

ENGLISH_RESOURCES = {
    "housing_units": "housing",
    "school_preescolar": "preschool",
    "school_primaria": "primary school",
    "school_secundaria": "lower secondary",
    "school_bachillerato": "upper secondary",
    "health_slots": "health care",
}

PHRASES: dict[str, dict[Language, str]] = {
    "locked": {
        "es": "Asignación fijada por el personal en {city}.",
        "en": "Placed in {city} by staff decision.",
    },
    "nowhere": {
        "es": "No hay ciudad posible: todas están excluidas o fuera de sus vínculos.",
        "en": "No possible city: every one is excluded or outside the family's ties.",
    },
    "waits_full": {
        "es": "No se reubica en este lote: su mejor opción, {city}, no tiene cupo de {short}.",
        "en": "Not relocated in this batch: its best option, {city}, has no room in {short}.",
    },
    "waits_worth": {
        "es": "No se reubica en este lote: en {city}, su mejor opción, los lugares que "
        "ocuparía rinden más con otras familias.",
        "en": "Not relocated in this batch: in {city}, its best option, the places it would "
        "take do more for other families.",
    },
    "goes": {"es": "Va a {city}", "en": "Goes to {city}"},
    "job": {"es": ", con vacante para 1 integrante", "en": ", with a vacancy for 1 member"},
    "jobs": {
        "es": ", con vacante para {n} integrantes",
        "en": ", with vacancies for {n} members",
    },
    "first_choice": {"es": ", su ciudad preferida", "en": ", its preferred city"},
    "a_choice": {
        "es": ", una de las ciudades que prefiere",
        "en": ", one of the cities it prefers",
    },
    "ties": {"es": ", donde tiene vínculos", "en": ", where it has ties"},
    "only": {"es": "; es su única ciudad posible.", "en": "; it is its only possible city."},
    "better_full": {
        "es": ". {runner} le daría más, pero no queda cupo de {short}.",
        "en": ". {runner} would give it more, but there is no room left in {short}.",
    },
    "better_worth": {
        "es": ". {runner} le daría más, pero sus lugares rinden más con otras familias.",
        "en": ". {runner} would give it more, but its places do more for other families.",
    },
    "best": {
        "es": "; ahí rinde más que en {runner}, la siguiente opción.",
        "en": "; it does better there than in {runner}, the next option.",
    },
    "preferred_elsewhere": {
        "es": " La familia prefería {cities}.",
        "en": " The family preferred {cities}.",
    },
    "usage": {
        "es": "{city}, {label}: {used} de {cap:.0f} usados",
        "en": "{city}, {label}: {used} of {cap:.0f} used",
    },
    "usage_price": {
        "es": "; un lugar más de {label} en {city} sumaría {price:.2f} al valor del plan",
        "en": "; one more place of {label} in {city} would add {price:.2f} to the plan's value",
    },
    "usage_slack": {
        "es": "; sobra cupo o no limita el plan",
        "en": "; room to spare, or it does not limit the plan",
    },
    "usage_unlimited": {
        "es": "{city}, {label}: {used} usados, sin límite",
        "en": "{city}, {label}: {used} used, no limit",
    },
}


def say(key: str, lang: Language = "es", **values: object) -> str:
    """The sentence ``key`` in ``lang``, filled with ``values``."""
    return PHRASES[key][lang].format(**values)


def label(resource: str, lang: Language = "es") -> str:
    """A resource as staff call it, in ``lang``."""
    if lang == "en":
        return ENGLISH_RESOURCES.get(resource, resource)
    return resource_label(resource)


def listing(names: list[str], lang: Language = "es") -> str:
    """ "a, b y c" / "a, b and c"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + (" and " if lang == "en" else " y ") + names[-1]
