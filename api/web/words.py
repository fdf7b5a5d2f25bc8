"""The words the pages use for the data contract's codes: sex, documents, health needs,
education, languages and countries. Spanish here (en.txt has the English); country and
language names come from pycountry's own translations."""

import gettext
from functools import cache

import pycountry

SEX = {"F": "mujer", "M": "hombre", "X": "no binario"}
DOCUMENTS = {
    "constancia": "constancia de COMAR",
    "tvrh": "TVRH",
    "curp": "CURP",
    "rfc": "RFC",
    "refugee_recognition": "reconocimiento como refugiado",
}
HEALTH_NEEDS = {
    "none": "ninguna",
    "chronic": "enfermedad crónica",
    "disability": "discapacidad",
    "pregnancy": "embarazo",
    "mental_health": "salud mental",
}
EDUCATION = {
    "none": "sin escolaridad",
    "primaria": "primaria",
    "secundaria": "secundaria",
    "bachillerato": "bachillerato",
    "tecnico": "carrera técnica",
    "licenciatura": "licenciatura",
    "posgrado": "posgrado",
}
# The audit log's actions, what they were about, and the names of their details.
AUDIT = {
    "decision_undo": "deshacer una decisión",
    "duplicate_review": "revisar un posible duplicado",
    "erase": "borrar datos personales",
    "erased_named": "importar a una persona con datos borrados",
    "export": "exportar",
    "identity_change": "cambiar datos de identidad",
    "import": "importar",
    "lock": "fijar",
    "veto": "vetar",
    "move": "mover",
    "model_retrain": "entrenar el modelo",
    "occupation_correct": "corregir la ocupación",
    "placement_assign": "asignar oficial",
    "placement_assign_many": "asignar oficial a varios casos",
    "placement_event": "registrar un estado",
    "plan_approve": "aprobar un plan",
    "plan_cancel": "cancelar un plan",
    "plan_start": "calcular un plan",
    "user_change": "cambiar un usuario",
    "user_create": "crear un usuario",
    "capacity": "capacidad",
    "duplicate": "posible duplicado",
    "family": "familia",
    "indicators": "indicadores",
    "move_list": "lista de traslados",
    "outcome_model": "modelo de resultados",
    "person": "persona",
    "placement": "reubicación",
    "placements": "reubicaciones",
    "plan": "plan",
    "user": "usuario",
    "brier": "error de Brier",
    "columns": "columnas",
    "date": "fecha",
    "decision": "decisión",
    "esco_id": "ocupación ESCO",
    "filename": "archivo",
    "format": "formato",
    "isco": "grupo ISCO",
    "officer": "oficial",
    "pairs": "pares",
    "parent": "a partir del plan",
    "previous": "antes",
    "reason": "motivo",
    "role": "rol",
    "status": "estado",
    "taken_by": "tomada por",
    "taken_in": "tomada en el plan",
    "versions": "versiones",
}
CODES = {"sex": SEX, "document": DOCUMENTS, "health": HEALTH_NEEDS, "education": EDUCATION}
# Where pycountry's Spanish is not how Mexico says it.
_SPANISH_LANGUAGES = {"ht": "criollo haitiano"}
_ENGLISH_LANGUAGES = {"ht": "Haitian Creole"}


@cache
def _spanish(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def country(code: str | None, lang: str) -> str:
    """A nationality's ISO 3166 alpha-3 code as a country's common name ("HTI" -> Haití)."""
    found = pycountry.countries.get(alpha_3=code) if code else None
    if found is None:
        return code or "—"
    name = getattr(found, "common_name", None) or found.name
    return name if lang == "en" else _spanish("iso3166-1").gettext(name)


def language_name(code: str, lang: str) -> str:
    """A language's ISO 639 code as its name ("ht" -> criollo haitiano)."""
    own = _ENGLISH_LANGUAGES if lang == "en" else _SPANISH_LANGUAGES
    if code in own:
        return own[code]
    found = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    if found is None:
        return code
    name = getattr(found, "common_name", None) or found.name
    return name if lang == "en" else _spanish("iso639-3").gettext(name).lower()
