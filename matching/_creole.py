"""Bridge Haitian Creole profiles to French and Spanish with a curated lexicon.

ESCO has no Creole labels and the encoders know little Creole, so a Creole trade word
("soudè") gets its French and Spanish equivalents ("soudeur / soldador") appended to
the profile before it is embedded and compared with postings, and replaced by them in
the clauses the taxonomy reads.
"""

import re

import pandas as pd

from arraigo.data import fold, read_reference

CREOLE_LEXICON = "creole_lexicon.csv"


def load_creole_lexicon() -> pd.DataFrame:
    """The shipped lexicon: columns ht, fr, es, en (see data/reference/creole_lexicon.md)."""
    return read_reference(CREOLE_LEXICON)


class CreoleBridge:
    """Find lexicon words in texts and append their French and Spanish equivalents.

    A text is bridged when the person is known to speak Creole (``ht``) or when it
    holds at least ``min_hits`` distinct lexicon words, which a Spanish or French text
    practically never does.
    """

    def __init__(self, lexicon: pd.DataFrame | None = None, min_hits: int = 2) -> None:
        self.lexicon = load_creole_lexicon() if lexicon is None else lexicon
        self.min_hits = min_hits
        folded = [fold(w) for w in self.lexicon["ht"]]
        self._gloss = dict(
            zip(folded, self.lexicon["fr"] + " / " + self.lexicon["es"], strict=True)
        )
        alternatives = "|".join(re.escape(w) for w in sorted(self._gloss, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def find(self, texts: pd.Series) -> pd.Series:
        """Distinct lexicon words (folded) found in each text, in order of appearance."""
        found = texts.fillna("").map(fold).str.findall(self._pattern)
        return found.map(lambda words: list(dict.fromkeys(words)))

    def is_creole(self, texts: pd.Series, speaks_creole: pd.Series | None = None) -> pd.Series:
        """Whether each text is to be bridged: ``min_hits`` lexicon words, or any for a
        known Creole speaker."""
        hits = self.find(texts).str.len()
        creole = hits >= self.min_hits
        if speaks_creole is not None:
            creole |= speaks_creole.astype(bool).to_numpy() & (hits > 0)
        return creole

    def bridge(self, texts: pd.Series, creole: pd.Series | None = None) -> pd.Series:
        """``texts`` with "(fr / es; ...)" glosses appended where Creole is detected.

        ``creole`` marks texts to bridge on any lexicon word (a known Creole speaker's
        text, or a clause of a text already found to be Creole).
        """
        found = self.find(texts)
        use = self.is_creole(texts, creole)
        glosses = found.map(lambda words: "; ".join(self._gloss[w] for w in words))
        return texts.fillna("").where(~use, texts.fillna("") + " (" + glosses + ")")

    def translate(self, texts: pd.Series, creole: pd.Series | None = None) -> pd.Series:
        """``texts`` with each lexicon word replaced by its French and Spanish
        equivalents where Creole is detected (as :meth:`bridge` decides), other words
        kept (case and accents folded): what the taxonomy reads of a Creole clause, so
        the Creole spelling adds no stray n-grams ("kabrit" is not "cabo")."""
        use = self.is_creole(texts, creole)
        spoken = {w: g.replace(" / ", " ") for w, g in self._gloss.items()}
        folded = texts.fillna("").map(fold)
        swapped = folded.str.replace(self._pattern, lambda m: spoken[m.group(0)], regex=True)
        return texts.fillna("").where(~use, swapped)
