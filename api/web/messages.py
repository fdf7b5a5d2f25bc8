"""A service's message in the page's language. Most refusals already come as
"Spanish / English"; a page shows the half in its language. A few older ones are in
English only: the pages say them in Spanish (the table below) rather than leak English
into a Spanish page."""

import re
from collections.abc import Callable

_SPANISH_WORDS = frozenset(
    "no la el de su es del los las un una se ya para con está solo existe puede hay "
    "antes después fecha contraseña usuario rol esta este valor".split()
)
_ENGLISH_WORDS = frozenset(
    "the is not a of to may this cannot only must has have or be already before after "
    "date password user role value signed".split()
)
_KINDS = {
    "people": "la persona",
    "families": "la familia",
    "destinations": "el destino",
    "vacancies": "la vacante",
}

# English-only messages of the services, as a Spanish page says them ({0}: the match's
# first group; {label}: that group as the pages name a status).
_SPANISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), spanish)
    for pattern, spanish in (
        (r"No plan (\d+)\.", "No existe el plan {0}."),
        (r"No placement (\d+)\.", "No existe la reubicación {0}."),
        (r"No person '(.+)'\.", "No existe la persona «{0}»."),
        (r"No vacancy '(.+)'\.", "No existe la vacante «{0}»."),
        (r"No user '(.+)'\.", "No existe el usuario «{0}»."),
        (r"No duplicate flag (\d+)\.", "No existe el posible duplicado {0}."),
        (r"No (\w+) record '(.+)'\.", "No existe {kind} «{1}»."),
        (r"The plan is (\w+)\.", "El plan ya no puede cambiar: está «{label}»."),
        (
            r"Only a draft plan can change \(this is (\w+)\)\.",
            "Solo un borrador puede cambiar (este plan está «{label}»).",
        ),
        (r"No vacancies stored yet\.", "Aún no hay vacantes registradas."),
        (
            r"No families stored yet: import them first\.",
            "Aún no hay familias registradas: impórtelas primero.",
        ),
        (
            r"No people or vacancies stored: nothing to learn from\.",
            "No hay personas ni vacantes registradas: no hay de qué aprender.",
        ),
        (r"No ESCO occupation '(.+)'\.", "No existe la ocupación ESCO «{0}»."),
        (
            r"No ESCO occupation is in ISCO-08 unit group '(.+)'\.",
            "Ninguna ocupación ESCO pertenece al grupo ISCO-08 «{0}».",
        ),
        (r"the user '(.+)' already exists", "El usuario «{0}» ya existe."),
        (
            r"The vacancy '(.+)' is closed \(0 positions\)\.",
            "La vacante «{0}» está cerrada: no le quedan puestos.",
        ),
        (
            r"ESCO occupation '(.+)' \((.+)\) is in ISCO-08 group (\d+), not (\d+)\.",
            "La ocupación ESCO «{0}» ({1}) está en el grupo ISCO-08 {2}, no en el {3}.",
        ),
        (r"unknown role '(.+)'; use one of (.+)", "No existe el rol «{0}»; use uno de: {1}."),
    )
)


def _spanishness(text: str) -> int:
    words = re.findall(r"[a-záéíóúñ]+", text.lower())
    return sum(w in _SPANISH_WORDS for w in words) - sum(w in _ENGLISH_WORDS for w in words)


def _halves(detail: str) -> tuple[str, str] | None:
    """(Spanish, English) of a "one / other" message, in whichever order it came."""
    if detail.count(" / ") != 1:
        return None
    first, second = (part.strip() for part in detail.split(" / "))
    if not first or not second:
        return None
    spanish, english = (
        (first, second) if _spanishness(first) >= _spanishness(second) else (second, first)
    )
    # "Ya reubicadas por otro plan / already placed: F1, F2": the list is for both.
    if ":" in english and ":" not in spanish:
        spanish += english[english.index(":") :]
    elif english.endswith(".") and not spanish.endswith((".", "?", "!")):
        spanish += "."
    return spanish, english


def in_language(detail: str, lang: str, label: Callable[[str], str] = str) -> str:
    """The message in ``lang`` ("es" or "en") as far as the service gave it."""
    if detail.count(" / ") > 1:  # several sentences, each "es / en"
        sentences = re.split(r"(?<=\.)\s+(?=[A-ZÁÉÍÓÚ¿])", detail)
        if len(sentences) > 1:
            return " ".join(in_language(s, lang, label) for s in sentences)
    halves = _halves(detail)
    if halves:  # a sentence of its own on the page: it starts with a capital
        half = halves[1] if lang == "en" else halves[0]
        return half[:1].upper() + half[1:]
    if lang == "en":
        return detail
    for pattern, spanish in _SPANISH:
        found = pattern.fullmatch(detail.strip())
        if found:
            groups = found.groups()
            return spanish.format(
                *groups,
                label=label(groups[0]) if groups else "",
                kind=_KINDS.get(groups[0], "el registro") if groups else "",
            )
    return detail
