"""Reasons for ranked matches, in Spanish or English: what each side names, what blocks the
pair, and which of the posting's words the profile does not show."""

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from arraigo.data import DOCUMENTS, EDUCATION_LEVELS, fold

from ._profiles import CORRECTED_SEGMENT
from ._text import fold_all, words
from ._tfidf import fit_transform

# The languages reasons are written in.
REASON_LANGS = ("es", "en")
# How a blocker names each document of arraigo.data.DOCUMENTS.
DOCUMENT_NAMES = {
    "constancia": "constancia de COMAR",
    "tvrh": "TVRH",
    "curp": "CURP",
    "rfc": "RFC",
    "refugee_recognition": "reconocimiento de la condición de refugiado",
}
_DOCUMENT_NAMES_EN = DOCUMENT_NAMES | {
    "constancia": "COMAR certificate",
    "refugee_recognition": "refugee status recognition",
}
# Every phrase of a reason, by language.
PHRASES = {
    "es": {
        "you": "usted: «{clause}» -> ESCO {label}, ISCO {isco}",
        "no_trade": "usted: perfil sin oficio reconocido",
        "vacancy": "vacante: {title}",
        "needs": "necesita {document}",
        "schooling": "pide escolaridad mínima {level}",
        "in_spanish": "la vacante se publica en español",
        "gaps": "el perfil no muestra: {gaps}",
        "corrected": CORRECTED_SEGMENT,
    },
    "en": {
        "you": "you: «{clause}» -> ESCO {label}, ISCO {isco}",
        "no_trade": "you: no trade recognised in the profile",
        "vacancy": "vacancy: {title}",
        "needs": "needs {document}",
        "schooling": "asks for schooling of at least {level}",
        "in_spanish": "the posting is in Spanish",
        "gaps": "the profile does not show: {gaps}",
        "corrected": "corrected by staff",
    },
}
# Words of a posting never shown as a gap: they say nothing of the skill asked for.
_GAP_STOPWORDS = frozenset(
    (
        "para con por los las del una uno unos unas que sus como turno horario sueldo "
        "salario semanal mensual quincenal lunes viernes sabado domingo experiencia anos "
        "vacante solicita solicitamos empresa requisitos pesos prestaciones ley mas entre "
        "desde hasta zona puesto personal ambos sexos edad trabajo nivel minima minimo "
        "comprobable contratacion inmediata disponibilidad ofrecemos buen bueno buena "
        "area general generales actividades funciones manejo apoyo"
    ).split()
)


def blockers(
    education_short: bool, missing: int, education_min: int, lang: str = "es"
) -> list[str]:
    """Phrases naming what a pair lacks, e.g. ["necesita RFC"] (``lang`` "en": "needs RFC")."""
    say, names = PHRASES[lang], DOCUMENT_NAMES if lang == "es" else _DOCUMENT_NAMES_EN
    out = [
        say["needs"].format(document=names[doc])
        for i, doc in enumerate(DOCUMENTS)
        if missing & (1 << i)
    ]
    if education_short:
        out.append(say["schooling"].format(level=EDUCATION_LEVELS[education_min]))
    return out


def shorten(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Reasons:
    """Writes the blockers, gaps and reason of ranked pairs, for one set of postings.

    ``titles``, ``texts``, ``isco`` (ISCO-08 unit group, -1 unknown) and
    ``education_min`` (index in EDUCATION_LEVELS, -1 none) describe the postings;
    ``labels`` are the names of the taxonomy's occupations in ``lang`` ("es" or "en"),
    the language the reasons are written in (``spanish_labels``, when they differ, tell
    which of a Spanish posting's words a profile shows). Each posting's most specific words (TF-IDF
    over all postings) are indexed here, to name gaps.
    """

    def __init__(
        self,
        titles: np.ndarray,
        texts: np.ndarray,
        isco: np.ndarray,
        education_min: np.ndarray,
        labels: np.ndarray,
        lang: str = "es",
        spanish_labels: np.ndarray | None = None,
    ) -> None:
        if lang not in REASON_LANGS:
            raise ValueError(f"reasons are written in {' or '.join(REASON_LANGS)}, not {lang!r}")
        self.lang = lang
        self.titles = titles
        self.texts = texts
        self.isco = isco
        self.education_min = education_min
        self.labels = labels
        self.spanish_labels = labels if spanish_labels is None else spanish_labels
        vectorizer = TfidfVectorizer(
            token_pattern=r"(?u)\b[^\W\d_]{4,}\b",
            stop_words=sorted(_GAP_STOPWORDS),
            dtype=np.float32,
        )
        try:
            self.terms = fit_transform(vectorizer, fold_all(texts)).tocsr()
            self.vocabulary = vectorizer.get_feature_names_out()
        except ValueError:  # postings too short to hold any word of four letters
            self.terms = self.vocabulary = None

    def explain(
        self,
        vacancy: np.ndarray,
        *,
        clause: np.ndarray,
        esco: np.ndarray,
        isco: np.ndarray,
        text: np.ndarray,
        spanish: np.ndarray,
        education_short: np.ndarray,
        missing: np.ndarray,
    ) -> dict[str, list[str]]:
        """Columns blockers, gaps and reason of the pairs (person i, ``vacancy[i]``).

        The person's side of pair i: the profile ``clause`` that named an occupation,
        its position ``esco`` in the taxonomy (-1 none) and ISCO-08 group ``isco``, the
        whole profile ``text`` and the language factor ``spanish`` (below 1: no
        Spanish); the pair's ``education_short`` and ``missing`` documents (bitmask).
        """
        say = PHRASES[self.lang]
        clause = np.where(clause == CORRECTED_SEGMENT, say["corrected"], clause)
        you = [
            say["you"].format(clause=shorten(c), label=self.labels[e], isco=i)
            if e >= 0
            else say["no_trade"]
            for c, e, i in zip(clause, esco, isco, strict=True)
        ]
        them = [
            say["vacancy"].format(title=shorten(t, 60)) + (f", ISCO {i}" if i >= 0 else "")
            for t, i in zip(self.titles[vacancy], self.isco[vacancy], strict=True)
        ]
        blocked = [
            blockers(short, int(miss), int(level), self.lang)
            for short, miss, level in zip(
                education_short, missing, self.education_min[vacancy], strict=True
            )
        ]
        # What the profile shows: its own words and the names of its occupations.
        shown = text + " " + np.where(esco >= 0, self.spanish_labels[esco], "")
        gaps = self.gaps(shown, vacancy)
        reasons = []
        for y, t, b, g, lang in zip(you, them, blocked, gaps, spanish, strict=True):
            parts = [f"{y}; {t}", *b]
            if lang < 1.0:
                parts.append(say["in_spanish"])
            if g:
                parts.append(say["gaps"].format(gaps=", ".join(g)))
            reasons.append("; ".join(parts))
        return {
            "blockers": ["; ".join(b) for b in blocked],
            "gaps": [", ".join(g) for g in gaps],
            "reason": reasons,
        }

    def gaps(self, person_texts: np.ndarray, vacancy: np.ndarray, n: int = 3) -> list[list[str]]:
        """Up to ``n`` of a posting's most specific words that the profile does not show."""
        if self.terms is None:
            return [[] for _ in vacancy]
        top_terms = {}
        for v in np.unique(vacancy):
            row = self.terms[v]
            best = row.indices[np.argsort(-row.data, kind="stable")][: 2 * n]
            # Show each term as the posting writes it (accents kept).
            written = {fold(w): w.lower() for w in re.findall(r"[^\W\d_]+", self.texts[v])}
            top_terms[v] = [written.get(t, t) for t in self.vocabulary[best]]
        out = []
        for text, v in zip(person_texts, vacancy, strict=True):
            stems = {w[:5] for w in words(text)}
            out.append([t for t in top_terms[v] if fold(t)[:5] not in stems][:n])
        return out
