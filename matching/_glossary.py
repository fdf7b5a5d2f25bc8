"""Append Peninsular Spanish equivalents to Mexican Spanish work words.

ESCO's Spanish labels follow Spain's usage (camarero, fontanero, carretilla elevadora)
while SNE postings and profiles say mesero, plomero, montacargas; the glossary closes
that gap before a text is normalised to an ESCO occupation.
"""

import re

import pandas as pd

from arraigo.data import fold, read_reference


def load_mx_spanish_terms() -> pd.DataFrame:
    """The shipped glossary: columns term, esco_es (data/reference/mx_spanish_terms.md)."""
    return read_reference("mx_spanish_terms.csv")


class Glossary:
    """Find glossary terms in texts (accents and case folded) and append equivalents."""

    def __init__(self, terms: pd.DataFrame | None = None) -> None:
        self.terms = load_mx_spanish_terms() if terms is None else terms
        self._gloss = dict(zip(map(fold, self.terms["term"]), self.terms["esco_es"], strict=True))
        alternatives = "|".join(re.escape(t) for t in sorted(self._gloss, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def glosses(self, texts: pd.Series) -> pd.Series:
        """The equivalents of the glossary terms each text contains, space-separated."""
        found = texts.fillna("").map(fold).str.findall(self._pattern)
        return found.map(lambda ts: " ".join(dict.fromkeys(self._gloss[t] for t in ts)))

    def annotate(self, texts: pd.Series, written: pd.Series | None = None) -> pd.Series:
        """``texts`` followed by the equivalents of the glossary terms they contain, or
        that ``written`` (the same texts as first written, aligned) contains."""
        found = texts.fillna("")
        if written is not None:
            found = written.fillna("").to_numpy() + " | " + found
        return (texts.fillna("") + " " + self.glosses(found)).str.strip()
