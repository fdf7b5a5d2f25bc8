"""Gaps as ESCO skills: what a posting asks for, linked to ESCO skills, and which of them
a profile, in any of its languages, does not show.

A posting asks for a skill when every content word of one of the skill's Spanish labels
(ESCO's preferred or alternative) is in the posting, word forms folded by a light
stemmer ("soldadura", "soldar" and "soldador" meet). A profile shows a skill when half
the content words of one of its Spanish or French labels are in the profile (the
Creole-bridged text and the labels of the occupations read in it, so an English "welder"
shows "soldar metales" through ESCO's "soldador"), or when the profile's embedding is
closer to the skill's label than to ESCO skills at large (the encoder is multilingual:
English and Creole meet Spanish there). Measured on ESCO's own labels: benchmarks/bench_gaps.py.
"""

import bisect
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

from arraigo.data import read_reference

SKILLS_FILE = "esco_skills.csv.gz"
# Words that name no skill, in Spanish and French (folded); the second line, what a
# posting says of its terms (schedule, pay, schooling, documents), which would otherwise
# link it to "cumplir los horarios", "aplicación de la ley" or "documentarse".
_STOPWORDS = frozenset(
    (
        "para con por los las del una uno unos unas que sus como sin mas entre otros otras "
        "otro otra este esta estos estas tipo tipos "
        "les des une aux dans sur pour avec par son ses leur leurs autres autre "
        "horario horarios sueldo sueldos salario mensual mensuales semanal quincenal "
        "prestaciones ley escolaridad primaria secundaria preparatoria bachillerato "
        "terminada terminado experiencia comprobable documentos documento lunes martes "
        "miercoles jueves viernes sabado domingo turno turnos vacante puesto"
    ).split()
)
# Endings a light stemmer strips (folded Spanish and French), longest first.
_SUFFIXES = tuple(
    sorted(
        (
            "aciones ación acion amiento imiento adora ador adura cion ciones mente ura aje "
            "eur euse ement ment ar er ir es s a o e"
        ).split(),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 4
_PREFIX = 5
_WORD = re.compile(r"[^\W\d_]{3,}")
# A skill named by one word must say something on its own ("carpinteria", not "operacion").
_MIN_SINGLE_STEM = 7
# The most skills linked to one posting: the ones covering most of its words.
MAX_ASKED = 4
# How far above its baseline (its mean cosine to reference_labels) a profile's cosine to
# a skill's label must be for the profile to show the skill (multilingual e5-small;
# chosen on the ESCO set of benchmarks/bench_gaps.py).
SHOWN_MARGIN = 0.03


@cache
def stem(word: str) -> str:
    """A folded word with up to two common Spanish or French endings stripped."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def _fold(text: str) -> str:
    """``text`` case-folded, accents dropped, letters outside ASCII dropped: the fold of
    arraigo.data for Spanish, French and Creole words, at C speed (55,000 labels)."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def stems(text: str) -> frozenset[str]:
    """The content words of ``text``, folded and stemmed."""
    return frozenset(stem(w) for w in _WORD.findall(_fold(text)) if w not in _STOPWORDS)


@cache
def load_esco_skills() -> pd.DataFrame:
    """ESCO skills shipped with Arraigo: skill_id, label_es, alt_es, label_fr, alt_fr."""
    return read_reference(SKILLS_FILE).fillna("")


def _labels(skills: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long table (skill, label, stems) of the preferred and alternative labels in ``lang``."""
    labels = (skills[f"label_{lang}"] + "|" + skills[f"alt_{lang}"]).str.split("|").explode()
    labels = labels[labels.str.strip() != ""]
    folded = _fold("\n".join(labels)).split("\n")
    found = [frozenset(stem(w) for w in _WORD.findall(f) if w not in _STOPWORDS) for f in folded]
    return pd.DataFrame(
        {"skill": labels.index.to_numpy(), "label": labels.to_numpy(), "stems": found}
    )


class SkillIndex:
    """ESCO skills indexed to link postings to them and to check profiles against them.

    ``skills`` has the columns of :func:`load_esco_skills` (default: the shipped table).
    """

    def __init__(self, skills: pd.DataFrame | None = None) -> None:
        self.skills = (load_esco_skills() if skills is None else skills).reset_index(drop=True)
        spanish = _labels(self.skills, "es")
        size = spanish["stems"].map(len)
        longest = spanish["stems"].map(lambda s: max(map(len, s), default=0))
        asking = spanish[(size >= 2) | ((size == 1) & (longest >= _MIN_SINGLE_STEM))]
        # The labels that may name a posting's skill, as plain lists (read per posting).
        self._skill = asking["skill"].astype(int).tolist()
        self._label = asking["label"].tolist()
        self._stems = asking["stems"].tolist()
        # Each stem's labels, so a posting only looks at labels it may contain.
        by_stem: dict[str, list[int]] = {}
        for row, words in enumerate(self._stems):
            for word in words:
                by_stem.setdefault(word, []).append(row)
        self._by_stem = by_stem
        self._vocabulary = sorted(by_stem)
        # Each skill's Spanish and French label stems, read when a posting first asks it.
        self._showing: dict[int, list[frozenset[str]]] = {}

    def _matching(self, words: frozenset[str]) -> set[str]:
        """Stems of the labels that meet one of ``words``: equal, or one a prefix of the
        other of at least _PREFIX letters ("metal" meets "metalic")."""
        found = set()
        for word in words:
            found.update(
                word[:n] for n in range(_PREFIX, len(word) + 1) if word[:n] in self._by_stem
            )
            if len(word) >= _PREFIX:
                start = bisect.bisect_left(self._vocabulary, word)
                for other in self._vocabulary[start:]:
                    if not other.startswith(word):
                        break
                    found.add(other)
        return found | (words & self._by_stem.keys())

    def asked(self, text: str) -> list[tuple[int, str]]:
        """The skills a posting asks for, as (position in ``skills``, the Spanish label the
        posting matched), the labels covering most of its words first."""
        words = self._matching(stems(text))
        rows = {row for word in words for row in self._by_stem[word]}
        found = sorted(
            (row for row in rows if self._stems[row] <= words),
            key=lambda row: (-len(self._stems[row]), row),
        )
        chosen: list[tuple[int, str]] = []
        covered: set[str] = set()
        for row in found:
            skill, label_stems = self._skill[row], self._stems[row]
            if label_stems <= covered or any(skill == c for c, _ in chosen):
                continue
            chosen.append((skill, self._label[row]))
            covered |= label_stems
            if len(chosen) == MAX_ASKED:
                break
        return chosen

    def shown_in_words(self, words: frozenset[str], skill: int) -> bool:
        """Whether half the content words of one of the skill's Spanish or French labels
        are among ``words`` (see :func:`stems`)."""
        if skill not in self._showing:
            row = self.skills.loc[skill]
            labels = "|".join(row[f"{k}_{lang}"] for lang in ("es", "fr") for k in ("label", "alt"))
            self._showing[skill] = [stems(label) for label in labels.split("|") if label.strip()]
        return any(len(s & words) * 2 >= len(s) for s in self._showing[skill] if s)


def reference_labels(n: int = 200, seed: int = 20261129) -> list[str]:
    """A fixed sample of ESCO skills' Spanish labels: a profile's mean cosine to them is
    its baseline, so a profile in French or English, whose cosines to Spanish labels all
    run lower, is held to the same margin as one in Spanish."""
    labels = load_esco_skills()["label_es"]
    return labels.sample(n=min(n, len(labels)), random_state=seed).tolist()


@cache
def default_skill_index() -> SkillIndex:
    """The shipped ESCO skills, indexed once per process."""
    return SkillIndex()


def shown_by_embedding(
    profile_vectors: np.ndarray,
    skill_vectors: np.ndarray,
    baseline: np.ndarray | float,
    margin: float = SHOWN_MARGIN,
) -> np.ndarray:
    """Whether each profile shows its skill: the row-wise cosine of unit vectors, less
    the profile's ``baseline``, reaches ``margin``."""
    return np.einsum("ij,ij->i", profile_vectors, skill_vectors) - baseline >= margin
