"""Text folding: the one case- and accent-insensitive form every comparison uses."""

import unicodedata


def fold(text: str) -> str:
    """``text`` case-folded and without accents, so "Querétaro", "QUERETARO" and
    "querétaro" compare equal (names of people and cities, skills, search boxes)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
