"""Reasons for ranked matches, in Spanish or English, for a caseworker to read: a sentence
(how close the pair is, the occupation in words, what fits, the ESCO skills the posting
asks for that the profile does not show, eligibility), the profile's own words it was
read from, and a details line with the codes (ESCO, ISCO)."""

import numpy as np
import pandas as pd

from arraigo.data import DOCUMENTS, EDUCATION_LEVELS

from ._encoders import Encoder
from ._profiles import CORRECTED_SEGMENT
from ._shipped import shipped_reference_vectors
from ._skills import (
    SkillIndex,
    default_skill_index,
    reference_labels,
    shown_by_embedding,
    stems,
)

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
# Affinity words by the least relevance that earns them (the matcher's relevance in
# [0, 1], before eligibility: how alike profile and posting are, not a probability of
# being hired). On a generated batch (93 people, 300 postings) 54% of each person's
# best vacancy read "alta" and 37% "media"; of the top ten, 24% and 30%.
AFFINITY = ((0.35, "high"), (0.2, "medium"), (0.0, "low"))
# Every phrase of a reason, by language.
PHRASES = {
    "es": {
        "high": "alta",
        "medium": "media",
        "low": "baja",
        "affinity": "Afinidad {word} ({percent} %)",
        "same": "el perfil muestra el oficio de {label}, el mismo que pide la vacante",
        "group": "el perfil muestra el oficio de {label}, del mismo grupo que el de la "
        "vacante ({vacancy})",
        "related": "el perfil muestra el oficio de {label}, afín al de la vacante ({vacancy})",
        "other": "el perfil muestra el oficio de {label}, distinto del de la vacante "
        "({vacancy}); la afinidad viene de sus palabras",
        "unknown_vacancy": "el perfil muestra el oficio de {label}",
        "no_trade": "el perfil no nombra un oficio reconocido; la afinidad viene de sus palabras",
        "corrected": "corregido por el personal",
        "gaps": "Le falta mostrar: {gaps}.",
        "eligible": "Cumple los requisitos.",
        "blocked": "Aún no cumple: {blockers}.",
        "in_spanish": "La vacante se publica en español.",
        "needs": "necesita {document}",
        "schooling": "pide escolaridad mínima {level}",
        "profile": "perfil",
        "vacancy": "vacante",
        "none": "sin oficio reconocido",
    },
    "en": {
        "high": "high",
        "medium": "medium",
        "low": "low",
        "affinity": "{word} affinity ({percent} %)",
        "same": "the profile shows the trade of {label}, the one the vacancy asks for",
        "group": "the profile shows the trade of {label}, in the same group as the vacancy's "
        "({vacancy})",
        "related": "the profile shows the trade of {label}, related to the vacancy's ({vacancy})",
        "other": "the profile shows the trade of {label}, not the vacancy's ({vacancy}); the "
        "affinity comes from its words",
        "unknown_vacancy": "the profile shows the trade of {label}",
        "no_trade": "the profile names no recognised trade; the affinity comes from its words",
        "corrected": "corrected by staff",
        "gaps": "Not shown in the profile (ESCO skills, in Spanish): {gaps}.",
        "eligible": "Meets the requirements.",
        "blocked": "Not yet eligible: {blockers}.",
        "in_spanish": "The posting is in Spanish.",
        "needs": "needs {document}",
        "schooling": "asks for schooling of at least {level}",
        "profile": "profile",
        "vacancy": "vacancy",
        "none": "no recognised trade",
    },
}


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


def affinity(relevance: float, lang: str = "es") -> str:
    """A pair's relevance as a word and a percentage, e.g. "Afinidad alta (42 %)", "High
    affinity (42 %)": the start of a sentence."""
    say = PHRASES[lang]
    word = next(name for floor, name in AFFINITY if relevance >= floor)
    said = say["affinity"].format(word=say[word], percent=round(100 * float(relevance)))
    return said[:1].upper() + said[1:]


def shorten(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fit(esco: int, isco: int, vacancy_esco: int, vacancy_isco: int) -> str:
    """How the person's occupation meets the posting's: a key of PHRASES."""
    if esco < 0:
        return "no_trade"
    if vacancy_isco < 0:
        return "unknown_vacancy"
    if esco == vacancy_esco:
        return "same"
    if isco == vacancy_isco:
        return "group"
    return "related" if isco // 100 == vacancy_isco // 100 else "other"


class Reasons:
    """Writes the blockers, gaps and reason of ranked pairs, for one set of postings.

    ``titles``, ``texts``, ``isco`` (ISCO-08 unit group, -1 unknown), ``esco`` (position
    in the taxonomy, -1 none) and ``education_min`` (index in EDUCATION_LEVELS, -1 none)
    describe the postings; ``occupations`` is the taxonomy's table (esco_id, label_es,
    label_en). The ESCO skills each posting asks for are found here (``skills``, default
    the shipped ones); ``encoder`` embeds their labels, to tell whether a profile in
    another language shows them.
    """

    def __init__(
        self,
        titles: np.ndarray,
        texts: np.ndarray,
        isco: np.ndarray,
        esco: np.ndarray,
        education_min: np.ndarray,
        occupations: pd.DataFrame,
        encoder: Encoder,
        skills: SkillIndex | None = None,
    ) -> None:
        self.titles, self.isco, self.esco = titles, isco, esco
        self.education_min = education_min
        self.esco_ids = occupations["esco_id"].to_numpy().astype(str)
        self.labels = {lang: occupations[f"label_{lang}"].to_numpy() for lang in REASON_LANGS}
        self.skills = default_skill_index() if skills is None else skills
        self.texts, self.encoder = texts, encoder
        # A profile's mean cosine to the reference labels: the mean of their vectors
        # (shipped for the default model, so a fresh machine encodes none of them).
        labels = reference_labels()
        shipped = shipped_reference_vectors(encoder.model_id, labels)
        self.reference = (encoder.encode(labels) if shipped is None else shipped).mean(axis=0)
        # Found when first needed: a run ranks far fewer postings than it indexes.
        self._asked: dict[str, list[tuple[int, str]]] = {}
        self._skill_vectors: dict[str, np.ndarray] = {}

    def asked(self, vacancies: np.ndarray) -> list[list[tuple[int, str]]]:
        """The ESCO skills each of ``vacancies`` asks for, (skill, Spanish label) pairs;
        their labels' embeddings at hand in ``_skill_vectors``."""
        texts = self.texts[vacancies]
        for text in set(texts) - self._asked.keys():
            self._asked[text] = self.skills.asked(text)
        found = [self._asked[text] for text in texts]
        names = sorted({label for f in found for _, label in f} - self._skill_vectors.keys())
        if names:
            self._skill_vectors |= dict(zip(names, self.encoder.encode(names), strict=True))
        return found

    def explain(
        self,
        vacancy: np.ndarray,
        *,
        relevance: np.ndarray,
        clause: np.ndarray,
        esco: np.ndarray,
        isco: np.ndarray,
        text: np.ndarray,
        vectors: np.ndarray,
        spanish: np.ndarray,
        education_short: np.ndarray,
        missing: np.ndarray,
        lang: str = "es",
    ) -> dict[str, list[str]]:
        """Columns blockers, gaps, reason, evidence and details of the pairs (person i,
        ``vacancy[i]``) of ``relevance`` i (before eligibility), in ``lang``.

        The person's side of pair i: the profile ``clause`` that named an occupation,
        its position ``esco`` in the taxonomy (-1 none) and ISCO-08 group ``isco``, the
        whole profile ``text`` (Creole bridged) and its embedding ``vectors``, and the
        language factor ``spanish`` (below 1: no Spanish); the pair's
        ``education_short`` and ``missing`` documents (bitmask).
        """
        if lang not in REASON_LANGS:
            raise ValueError(f"reasons are written in {' or '.join(REASON_LANGS)}, not {lang!r}")
        say, labels = PHRASES[lang], self.labels[lang]
        gaps = self.gaps(vacancy, esco=esco, text=text, vectors=vectors)
        out: dict[str, list[str]] = {k: [] for k in ("blockers", "gaps", "reason")}
        out |= {"evidence": [], "details": []}
        for i, v in enumerate(vacancy):
            e, vac_e, vac_i = int(esco[i]), int(self.esco[v]), int(self.isco[v])
            fit = _fit(e, int(isco[i]), vac_e, vac_i)
            label = labels[e] if e >= 0 else ""
            if clause[i] == CORRECTED_SEGMENT:
                label += f" ({say['corrected']})"
            vacancy_label = labels[vac_e] if vac_e >= 0 else shorten(self.titles[v], 60)
            blocked = blockers(
                bool(education_short[i]), int(missing[i]), int(self.education_min[v]), lang
            )
            sentence = [
                f"{affinity(relevance[i], lang)}: "
                + say[fit].format(label=label, vacancy=vacancy_label)
                + "."
            ]
            if gaps[i]:
                sentence.append(say["gaps"].format(gaps=", ".join(gaps[i])))
            sentence.append(
                say["blocked"].format(blockers=", ".join(blocked)) if blocked else say["eligible"]
            )
            if spanish[i] < 1.0:
                sentence.append(say["in_spanish"])
            out["blockers"].append("; ".join(blocked))
            out["gaps"].append("; ".join(gaps[i]))
            out["reason"].append(" ".join(sentence))
            quoted = clause[i] if e >= 0 and clause[i] != CORRECTED_SEGMENT else ""
            # Guillemets of the profile's own become plain quotes: « » bound its words.
            quoted = quoted.replace("«", '"').replace("»", '"')
            out["evidence"].append(f"«{shorten(quoted)}»" if quoted else "")
            out["details"].append(self._details(e, int(isco[i]), vac_e, vac_i, lang))
        return out

    def _details(self, esco: int, isco: int, vacancy_esco: int, vacancy_isco: int, lang) -> str:
        """The codes behind the sentence: "perfil: ESCO soldador (7aedaa07…), ISCO 7212;
        vacante: …"."""
        say, labels = PHRASES[lang], self.labels[lang]

        def side(name: str, e: int, i: int) -> str:
            parts = [f"ESCO {labels[e]} ({self.esco_ids[e]})"] if e >= 0 else []
            parts += [f"ISCO {i}"] if i >= 0 else []
            return f"{say[name]}: " + (", ".join(parts) or say["none"])

        return "; ".join(
            (
                side("profile", esco, isco if esco >= 0 else -1),
                side("vacancy", vacancy_esco, vacancy_isco),
            )
        )

    def gaps(
        self, vacancy: np.ndarray, *, esco: np.ndarray, text: np.ndarray, vectors: np.ndarray
    ) -> list[list[str]]:
        """Of the ESCO skills each pair's posting asks for, those the profile shows neither
        in its words (Spanish or French labels of the skill; the profile with the Spanish
        name of its occupation) nor by embedding; named by the Spanish label the posting
        matched (ESCO's English skill labels are not among the shipped data)."""
        shown_words: dict[tuple[str, int], frozenset[str]] = {}
        out = []
        for i, asked in enumerate(self.asked(vacancy)):
            if not asked:
                out.append([])
                continue
            key = (text[i], int(esco[i]))
            if key not in shown_words:
                named = self.labels["es"][key[1]] if key[1] >= 0 else ""
                shown_words[key] = stems(f"{key[0]} {named}")
            words = shown_words[key]
            lexical = [self.skills.shown_in_words(words, skill) for skill, _ in asked]
            skill_vectors = np.stack([self._skill_vectors[label] for _, label in asked])
            profile = np.repeat(vectors[i][None], len(asked), 0)
            close = shown_by_embedding(profile, skill_vectors, float(vectors[i] @ self.reference))
            out.append(
                [
                    label
                    for (_, label), w, c in zip(asked, lexical, close, strict=True)
                    if not (w or c)
                ]
            )
        return out
