"""Text helpers shared by the signals: folding many texts, list cells, profile segments."""

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from arraigo.data import fold

# Clauses end at punctuation, at "with" and at "and" in the four languages ("y/o"
# included); an official title's at punctuation and "with" alone (see ``segments``).
_SEGMENT_SPLIT = re.compile(
    r"[.;,:\n\r()]+|\s+(?:y/o|et/ou|and/or|y|e|et|and|ak|epi|avec|con|with)\s+", re.I
)
_TITLE_SPLIT = re.compile(r"[.;,:\n\r()]+|\s+(?:con|avec|with)\s+", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def fold_all(texts: Iterable[str]) -> list[str]:
    """``fold`` of each text, each distinct text folded once (postings repeat templates)."""
    folded: dict[str, str] = {}
    return [folded[t] if t in folded else folded.setdefault(t, fold(t)) for t in texts]


def as_items(value: Any) -> tuple[str, ...]:
    """A contract list cell as a tuple: accepts a list/tuple or a ``;``-separated string."""
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(str(v).strip().lower() for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ()
    return tuple(p.strip().lower() for p in str(value).split(";") if p.strip())


# ISO 639-1 and 639-3 codes of the languages whose speakers the matcher treats apart.
SPANISH = ("es", "spa")
HAITIAN_CREOLE = ("ht", "hat")


def speaks(languages: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    """Whether each ``languages`` cell names one of ``codes`` (either ISO 639 form)."""
    return languages.map(lambda cell: not set(as_items(cell)).isdisjoint(codes)).to_numpy(bool)


def column(frame: pd.DataFrame, name: str, default: Any = "") -> pd.Series:
    """``frame[name]`` with missing cells as ``default``; a constant column if absent."""
    if name not in frame.columns:
        return pd.Series([default] * len(frame), index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), default)


# Official titles mark the feminine in brackets ("OPERADOR(A) DE TORNO"): dropped, so the
# bracket does not cut the trade from what it works on.
_GENDER_MARK = re.compile(r"(?<=[^\W\d_])\s?\((?:a|as|o|os|es)\)", re.I)


def _is_title(text: str) -> bool:
    """Whether ``text`` is written as official titles are: every letter a capital."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# A bracketed aside ("RECEPCIONISTA BILINGÜE (INGLÉS-ESPAÑOL) PARA HOTEL"), and the
# punctuation that ends a clause outside brackets ("SOLDADOR (MIG, TIG), PARA PLANTA").
_ASIDE = re.compile(r"\(([^()]*)\)")
_CLAUSE_END = re.compile(r"([.;,:\n\r]+(?![^()]*\)))")


def _asides_last(text: str) -> str:
    # Each clause's bracketed asides moved after it, on lines of their own.
    pieces = _CLAUSE_END.split(text)
    for i in range(0, len(pieces), 2):
        asides = _ASIDE.findall(pieces[i])
        pieces[i] = "\n".join([_ASIDE.sub(" ", pieces[i]), *asides])
    return "".join(pieces)


def segments(text: str, max_segments: int = 6) -> list[str]:
    """Split a free-text profile into short clauses that each may name one trade.

    A bracketed aside qualifies what surrounds it: it is read right after its clause, as
    clauses of its own, and the clause around it is read as one ("RECEPCIONISTA BILINGÜE
    PARA HOTEL", then "INGLÉS-ESPAÑOL"), so a long posting's slots do not cut it off.
    An official title (in capitals) names one job: its "Y" and "Y/O" join names of that
    job ("ENSAMBLADORES Y MONTADORES DE PARTES ELÉCTRICAS", "AUXILIAR DE LIMPIEZA Y/O
    INTENDENCIA"), so they cut nothing."""
    text = _GENDER_MARK.sub("", text)
    split = _TITLE_SPLIT if _is_title(text) else _SEGMENT_SPLIT
    text = _asides_last(text)
    parts = [" ".join(p.split()) for p in split.split(text) if p and p.strip()]
    parts = [p for p in parts if _WORD.search(p) and _content(p)]
    return parts[:max_segments] or ([text.strip()] if text.strip() else [])


# Words that tell how long or where someone worked, not what they did: dropped before a
# profile clause is normalised to an occupation (Spanish, French, Creole, English).
# Creole "bòs" is a rank before the trade ("bòs mason", master mason), like an article.
_FILLER = frozenset(
    (
        "yo he ha sido soy fui era trabaje trabajo trabaja trabajando como de del la el los "
        "las en un una unos por durante anos ano meses mes experiencia tengo tenia con mi "
        "para tambien hace casi mas anos "
        "je j ai suis etais travaille travail comme pendant ans annee annees mois dans une "
        "des du le les au aux avec mon ma experience aussi "
        "mwen te se travay kom pandan lane ane mwa nan yon ak eksperyans tou bos "
        "i am was have has worked work working as for years year months in at an the of "
        "with my experience also "
        # How caseworkers note it ("Refiere experiencia como…", "Client reports…"), and
        # numbers written out: they name no trade.
        "refiere menciona indica declara usuario usuaria senor senora sr sra persona "
        "declare indique interesse interessee mme madame monsieur il elle avoir "
        "reports says states she he her his client li "
        "uno dos tres cuatro cinco seis siete ocho nueve diez "
        "deux trois quatre cinq six sept huit neuf dix "
        "one two three four five seven eight nine ten "
        "twa kat senk sis set uit nef dis "
        # What postings say of the shift, the hiring and the requirements ("SE SOLICITA",
        # "TURNO MIXTO", "CON O SIN EXPERIENCIA", "DC-3 VIGENTE"): no trade either.
        "solicita solicitan solicitamos urgente vacante turno turnos matutino vespertino "
        "nocturno mixto rotativo rotativos sin vigente indispensable deseable comprobable "
        # and of who may apply ("HOMBRE O MUJER", "SEXO INDISTINTO", "AMBOS SEXOS").
        "hombre hombres mujer mujeres sexo sexos indistinto ambos"
    ).split()
)


def _content(text: str) -> list[str]:
    # The words of ``text`` that may name a trade: filler, numbers and letters dropped.
    return [w for w in re.findall(r"[^\W\d_]+", text) if fold(w) not in _FILLER and len(w) > 1]


def clause_core(text: str) -> str:
    """``text`` without filler words and numbers ("trabajé 5 años como soldador" ->
    "soldador"); the text itself when nothing else is left."""
    kept = _content(text)
    core = " ".join(kept) if kept else text
    # Official titles come in capitals ("OPERADOR DE MONTACARGAS"): read them as words.
    return core.lower() if core.isupper() else core


def words(text: str) -> list[str]:
    """Folded words of three letters or more (digits and punctuation dropped)."""
    return _WORD.findall(fold(text))


# What a posting says of its terms rather than its work: the fields that vacancy boards
# write as "Label: value" (the SNE's "Horario:", "Sueldo:", "Escolaridad:"…) and their
# stock sentences. The terms that count have columns of their own (education_min,
# requires, salary_mxn_month), which eligibility and the outcome model read.
_TERMS_FIELD = re.compile(
    r"(?:horarios?|jornada|turnos?|dias (?:laborales|de trabajo|de descanso)|sueldo|"
    r"salario|pago|ingresos?|escolaridad|documentos|documentacion|prestaciones|"
    r"beneficios|contratacion|tipo de contrato|edad|vacantes|"
    r"schedule|hours|shifts?|salary|pay|wages?|education|documents|benefits|contract|age|"
    r"horaires?|salaire|remuneration|diplomes?|avantages|contrat)\s*:"
)
_TERMS_SENTENCE = frozenset(
    (
        "prestaciones de ley",
        "prestaciones superiores a las de ley",
        "sin experiencia",
        "con experiencia",
        "con experiencia comprobable",
        "experiencia comprobable",
        "con o sin experiencia",
        "no se requiere experiencia",
    )
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def posting_work(text: str) -> str:
    """A posting's text without the sentences that state its terms (hours, pay,
    schooling, documents, benefits, "sin experiencia"): what the job is, as the
    embedding should compare it with a profile. The text itself when nothing is left."""
    kept = []
    for sentence in _SENTENCE_END.split(text):
        folded = fold(sentence).strip(" .!?")
        if folded and not _TERMS_FIELD.match(folded) and folded not in _TERMS_SENTENCE:
            kept.append(sentence.strip())
    return " ".join(kept).rstrip(". ") if kept else text
