"""The closed vocabularies of the data contract: its tables, allowed values, resources,
ages and labels.

One place for every allowed value, so the row models, the generator, the derived use
of resources and the documentation agree.
"""

from typing import Final, Literal

# The contract's tables; a file's name says which one it holds (``week47_people.csv``).
Kind = Literal["people", "families", "destinations", "vacancies", "outcomes"]
KINDS: Final[tuple[Kind, ...]] = ("people", "families", "destinations", "vacancies", "outcomes")

SEXES: Final = ("F", "M", "X")

# SEP and higher-education levels, lowest first: the order is used to compare a
# person's education with a vacancy's minimum.
EDUCATION_LEVELS: Final = (
    "none",
    "primaria",
    "secundaria",
    "bachillerato",
    "tecnico",
    "licenciatura",
    "posgrado",
)

HEALTH_NEEDS: Final = ("none", "chronic", "disability", "pregnancy", "mental_health")

# constancia: proof of a filed asylum claim (COMAR); tvrh: humanitarian visitor card
# (INM); curp: population registry number; rfc: tax id; refugee_recognition: granted.
DOCUMENTS: Final = ("constancia", "tvrh", "curp", "rfc", "refugee_recognition")

STANDARD_RESOURCES: Final = (
    "housing_units",
    "school_preescolar",
    "school_primaria",
    "school_secundaria",
    "school_bachillerato",
    "health_slots",
)

# SEP school levels by age (inclusive bounds).
SCHOOL_LEVELS: Final = (
    ("school_preescolar", 3, 5),
    ("school_primaria", 6, 11),
    ("school_secundaria", 12, 14),
    ("school_bachillerato", 15, 17),
)

# Health needs that take a slot at a local health partner.
HEALTH_SLOT_NEEDS: Final = frozenset({"chronic", "disability", "pregnancy"})

# Of age: a family needs at least one adult, and work starts here.
ADULT_AGE: Final = 18
WORKING_AGE: Final = (ADULT_AGE, 64)
MAX_AGE: Final = 110

CAP_PREFIX: Final = "cap_"
USE_PREFIX: Final = "use_"

RESOURCE_LABELS: Final = {
    "housing_units": "vivienda",
    "school_preescolar": "preescolar",
    "school_primaria": "primaria",
    "school_secundaria": "secundaria",
    "school_bachillerato": "bachillerato",
    "health_slots": "atención de salud",
}
"""Spanish names of the standard resources; any other resource keeps its own name."""


def resource_label(resource: str) -> str:
    """A resource as staff call it in Spanish (``school_primaria`` -> "primaria")."""
    return RESOURCE_LABELS.get(resource, resource)
