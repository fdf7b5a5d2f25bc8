"""Normalise free text to ESCO occupations and their ISCO-08 groups.

The index holds the multilingual ESCO labels (Spanish, French, English; preferred and
alternative): a character n-gram TF-IDF over every label catches spelling and gender
variants in any of the three languages, and sentence embeddings of the preferred
labels catch paraphrases. The two similarities are fused per occupation.
This service uses the ESCO classification of the European Commission.
"""

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from arraigo.data import fold, read_reference

from ._encoders import Encoder
from ._learned import fit_learned_groups, learned_probabilities
from ._search import BLOCK_SCORES, best_of
from ._shipped import shipped_label_vectors
from ._text import fold_all
from ._tfidf import label_index

LANGS = ("es", "fr", "en")
# An alternative label is weaker evidence than a preferred one: ESCO shares some among
# occupations ("cocinero" names the cook and several specialised cooks), so a text that
# equals one should land on the occupation whose preferred label it is.
ALT_LABEL_FACTOR = 0.97
ESCO_FILE = "esco_occupations.csv.gz"
ISCO_FILE = "isco_groups.csv"
# The unit groups' labels are embedded in every language the shipped ISCO table has.
GROUP_LANGS = ("es", "fr", "en")
# Words that head many Spanish job titles and say little alone ("auxiliar de almacén",
# "ayudante de obra", "operador de torno"): ESCO gives some of them to one occupation as
# a label of its own ("auxiliar" is the flight attendant's, "ayudante" the kitchen
# helper's), so a text headed by one is also scored by what follows the head (its
# complement), and an occupation must match both: its score is the geometric mean of the
# two. Chosen on the development profiles (set "dev" of
# data/reference/labelled_profiles.csv), never on the held-out profiles.
GENERIC_HEADS = frozenset(
    "auxiliar auxiliares ayudante ayudantes operador operadora operadores operario operaria "
    "operarios encargado encargada empleado empleada trabajador trabajadora personal "
    "oficial".split()
)
# Words between a generic head and what it heads ("ayudante general de obra": "obra").
_HEAD_LINKS = frozenset("de del en la el los las y o a al para general".split())
_LETTERS = re.compile(r"[^\W\d_]+")


def head_complement(text: str) -> str:
    """What a generic head word heads in ``text`` (folded; ``"AUXILIAR DE ALMACÉN"`` ->
    ``"almacen"``), or "" when ``text`` does not start with one of :data:`GENERIC_HEADS`
    or names nothing after it."""
    words = _LETTERS.findall(fold(text))
    if len(words) < 2 or words[0] not in GENERIC_HEADS:
        return ""
    return " ".join(w for w in words[1:] if w not in _HEAD_LINKS)


ATTRIBUTION = "This service uses the ESCO classification of the European Commission."


def esco_labels(occupations: pd.DataFrame, langs: tuple[str, ...] = LANGS) -> pd.DataFrame:
    """Long table of ESCO labels: esco_id, isco, lang, kind, label.

    ``occupations`` has the columns of the shipped ``esco_occupations.csv.gz``. A
    preferred label written as "masculine/feminine" gives one row per form: the first
    is kind "preferred", the other "variant"; alternative labels are kind "alt".
    """
    frames = []
    for lang in langs:
        for kind, col, sep in (("preferred", f"label_{lang}", "/"), ("alt", f"alt_{lang}", "|")):
            part = occupations[["esco_id", "isco"]].assign(label=occupations[col].str.split(sep))
            part = part.explode("label").assign(lang=lang, kind=kind)
            if kind == "preferred":
                part.loc[part.index.duplicated(keep="first"), "kind"] = "variant"
            frames.append(part)
    labels = pd.concat(frames, ignore_index=True)
    labels["label"] = labels["label"].fillna("").str.strip()
    labels = labels[labels["label"] != ""]
    return labels.drop_duplicates(["esco_id", "lang", "label"]).reset_index(drop=True)[
        ["esco_id", "isco", "lang", "kind", "label"]
    ]


# What 31 unit groups' labels say of the classification, not of the work: "no
# clasificados bajo otros epígrafes" in each of the three languages. Left in, it pulls the
# label's embedding away from the trade, so "ayudante general para planta" read closer to
# "Peones de obras públicas" than to "Peones de la industria manufacturera no clasificados
# bajo otros epígrafes". Exclusions stay: "Vendedores ambulantes (excluyendo de comida)"
# says what the group is not.
_CLASSIFIER_WORDS = re.compile(
    r",?\s*(?:no clasificad[oa]s? bajo otros epígrafes|not elsewhere classified|"
    r"non classée?s? ailleurs)",
    re.I,
)


def isco_group_labels(groups: np.ndarray | None = None) -> pd.DataFrame:
    """The ISCO-08 unit groups' labels in :data:`GROUP_LANGS` (``isco_groups.csv``), long:
    columns isco (int) and label (without :data:`_CLASSIFIER_WORDS`), sorted by group;
    only ``groups`` when given."""
    table = read_reference(ISCO_FILE)
    table = table[table["code"].str.fullmatch(r"\d{4}")]
    long = table.melt(id_vars="code", value_vars=[f"label_{lang}" for lang in GROUP_LANGS])
    label = long["value"].str.replace(_CLASSIFIER_WORDS, "", regex=True).str.strip()
    long = long.assign(isco=long["code"].astype(np.int64), label=label)
    long = long[long["label"] != ""]
    if groups is not None:
        long = long[long["isco"].isin(groups)]
    return long.sort_values("isco", kind="stable").reset_index(drop=True)[["isco", "label"]]


def load_esco_occupations() -> pd.DataFrame:
    """The compact ESCO occupation table shipped in ``arraigo.data`` (2,942 rows)."""
    return read_reference(ESCO_FILE)


def isco_int(codes: pd.Series) -> np.ndarray:
    """ISCO-08 unit groups (four digits) as integers, -1 where a cell holds none."""
    codes = codes.astype(str).str.strip()
    valid = codes.str.fullmatch(r"\d{4}")
    return np.where(valid, pd.to_numeric(codes.where(valid, "-1")), -1).astype(np.int64)


def per_group_value(
    table: np.ndarray, rows: np.ndarray, codes: np.ndarray, isco: np.ndarray
) -> np.ndarray:
    """``table[rows, column]``, the column being ``isco``'s among the sorted unit groups
    ``codes`` (the table's columns); 0 where ``codes`` lacks the group. ``rows``
    broadcasts to ``isco``'s shape."""
    found = np.zeros(np.shape(isco), dtype=table.dtype)
    if not len(codes):
        return found
    column = np.clip(np.searchsorted(codes, isco), 0, len(codes) - 1)
    known = codes[column] == isco
    found[known] = table[np.broadcast_to(rows, column.shape)[known], column[known]]
    return found


def _max_per_group(scores: np.ndarray, group_starts: np.ndarray) -> np.ndarray:
    """Column-wise max over contiguous column groups (columns sorted by group)."""
    return np.maximum.reduceat(scores, group_starts, axis=1)


def _rescale(similarity: np.ndarray) -> np.ndarray:
    """Each row's cosines mapped to [0, 1]: the median occupation to 0, the best to 1.

    Sentence-embedding cosines sit in a narrow, model-specific band (about 0.7 to 0.95
    for e5), so raw values would drown in the TF-IDF scale; this per-text rescaling was
    chosen on a development split of the indexed labels, never on benchmark queries.
    """
    median = np.median(similarity, axis=1, keepdims=True)
    spread = similarity.max(axis=1, keepdims=True) - median
    return np.clip((similarity - median) / np.where(spread > 0, spread, 1.0), 0.0, 1.0)


class TaxonomyNormaliser(BaseEstimator):
    """Map texts to ESCO occupations (scikit-learn estimator).

    ``fit(labels)`` takes the long label table of :func:`esco_labels`; ``kneighbors``
    returns the best occupations of each text with a fused score in [0, 1].

    Parameters: ``encoder`` embeds texts and labels; ``embed_kinds``/``embed_langs``
    choose which labels are embedded (all labels are in the TF-IDF index);
    ``embedding_weight`` is the share of the embedding similarity in the fused score
    (the rest is TF-IDF); ``ngram_range`` sets the character n-grams;
    ``containment_weight`` is the share, in the lexical similarity, of how much of a
    label the text contains (idf-weighted n-grams): a profile clause such as "soldador
    de estructuras metálicas" names the short label "soldador" in full, which the
    cosine alone undervalues next to longer labels sharing more words.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        embed_kinds: tuple[str, ...] = ("preferred", "variant", "alt"),
        embed_langs: tuple[str, ...] = ("es", "fr"),
        embedding_weight: float = 0.5,
        ngram_range: tuple[int, int] = (3, 5),
        containment_weight: float = 0.5,
        learn_from_profiles: bool = True,
    ) -> None:
        self.encoder = encoder
        self.embed_kinds = embed_kinds
        self.embed_langs = embed_langs
        self.embedding_weight = embedding_weight
        self.ngram_range = ngram_range
        self.containment_weight = containment_weight
        self.learn_from_profiles = learn_from_profiles

    def fit(self, labels: pd.DataFrame, y: None = None) -> "TaxonomyNormaliser":
        # Set by an index cache (``fit_cached``) that stored or read this fit; a fresh
        # fit has none, so nothing is remembered by text against it.
        self.index_key_: str | None = None
        occupations = (
            labels.sort_values(["esco_id", "kind"], ascending=[True, False])
            .groupby("esco_id", sort=True)
            .agg(isco=("isco", "first"))
            .reset_index()
        )
        for lang in ("es", "en"):
            occupations[f"label_{lang}"] = self._display_labels(
                labels, occupations["esco_id"], lang
            )
        position = pd.Series(np.arange(len(occupations)), index=occupations["esco_id"])
        labels = labels.assign(occ=position.loc[labels["esco_id"]].to_numpy())
        labels = labels.sort_values("occ", kind="stable").reset_index(drop=True)

        self.occupations_ = occupations
        # The labels' n-gram TF-IDF, and each label's n-grams weighted by idf, summing to
        # 1 (text @ label_share_ = containment), from one reading of the labels.
        vocabulary, idf, tfidf, share = label_index(fold_all(labels["label"]), self.ngram_range)
        self.vectorizer_ = self.lexical_vectorizer(vocabulary=vocabulary)
        self.vectorizer_.idf_ = idf
        self.label_matrix_ = tfidf.T.tocsr()
        self.label_share_ = share.T.tocsr()
        self.lexical_occ_, self.lexical_starts_ = np.unique(labels["occ"], return_index=True)
        self.label_factor_ = np.where(labels["kind"] == "alt", ALT_LABEL_FACTOR, 1.0).astype(
            np.float32
        )

        embedded = labels[
            labels["kind"].isin(self.embed_kinds) & labels["lang"].isin(self.embed_langs)
        ]
        self.learned_coef_ = self.learned_intercept_ = self.learned_classes_ = None
        if self.encoder is None or self.embedding_weight == 0 or embedded.empty:
            self.label_vectors_ = None
        else:
            texts = embedded["label"].tolist()
            shipped = shipped_label_vectors(self.encoder.model_id, texts)
            self.label_vectors_ = self.encoder.encode(texts) if shipped is None else shipped
            self.embedded_occ_, self.embedded_starts_ = np.unique(
                embedded["occ"].to_numpy(), return_index=True
            )
            groups = isco_group_labels(isco_int(occupations["isco"]))
            texts = groups["label"].tolist()
            shipped = shipped_label_vectors(self.encoder.model_id, texts)
            self.group_vectors_ = self.encoder.encode(texts) if shipped is None else shipped
            self.group_codes_, self.group_starts_ = np.unique(
                groups["isco"].to_numpy(), return_index=True
            )
            learned = (
                fit_learned_groups(self.encoder, isco_int(occupations["isco"]))
                if self.learn_from_profiles
                else None
            )
            if learned is not None:
                self.learned_coef_, self.learned_intercept_, self.learned_classes_ = learned
        return self

    def lexical_vectorizer(self, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
        """The character n-gram TF-IDF of the labels (unfitted, or on a known vocabulary)."""
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            sublinear_tf=True,
            dtype=np.float32,
            vocabulary=vocabulary,
        )

    @staticmethod
    def _display_labels(labels: pd.DataFrame, esco_ids: pd.Series, lang: str) -> list[str]:
        # The preferred label in ``lang`` (first gender form), else any label, for reasons.
        order = {"es": 0, "fr": 1, "en": 2} if lang == "es" else {"en": 0, "es": 1, "fr": 2}
        rank = labels["lang"].map(order) * 2 + (labels["kind"] != "preferred")
        best = labels.assign(rank=rank).sort_values("rank").drop_duplicates("esco_id")
        return best.set_index("esco_id")["label"].reindex(esco_ids).fillna("").tolist()

    def scores(self, texts: list[str]) -> np.ndarray:
        """Fused similarity of each text to each occupation, ``(len(texts), n_occupations)``."""
        return self._scores(texts, self._vectors(texts))

    def _vectors(self, texts: list[str]) -> np.ndarray | None:
        # The texts' embeddings, when this taxonomy embeds (None for the lexical one).
        embeds = self.label_vectors_ is not None and self.embedding_weight and texts
        return self.encoder.encode(texts) if embeds else None

    def _scores(self, texts: list[str], vectors: np.ndarray | None) -> np.ndarray:
        # Texts headed by a generic word: also their complement (see GENERIC_HEADS).
        out = self._fused(texts, vectors)
        complements = [head_complement(t) for t in texts]
        headed = [i for i, c in enumerate(complements) if c]
        if headed:
            rest = [complements[i] for i in headed]
            out[headed] = np.sqrt(out[headed] * self._fused(rest, self._vectors(rest)))
        return out

    def _fused(self, texts: list[str], vectors: np.ndarray | None) -> np.ndarray:
        # Each text's fused lexical and embedding similarity to each occupation.
        n_occ = len(self.occupations_)
        out = np.zeros((len(texts), n_occ), dtype=np.float32)
        if not texts:
            return out
        lexical = self.vectorizer_.transform(fold_all(texts))
        weight = self.embedding_weight if vectors is not None else 0.0
        block = max(1, BLOCK_SCORES // max(self.label_matrix_.shape[1], 1))
        for start in range(0, len(texts), block):
            stop = start + block
            lex = (lexical[start:stop] @ self.label_matrix_).toarray()
            if self.containment_weight:
                present = (lexical[start:stop] != 0).astype(np.float32)
                contained = (present @ self.label_share_).toarray()
                lex = (1 - self.containment_weight) * lex + self.containment_weight * contained
            out[start:stop, self.lexical_occ_] = (1 - weight) * _max_per_group(
                lex * self.label_factor_, self.lexical_starts_
            )
            if weight:
                emb = _max_per_group(
                    vectors[start:stop] @ self.label_vectors_.T, self.embedded_starts_
                )
                out[start:stop, self.embedded_occ_] += weight * _rescale(emb)
        return out

    def kneighbors(self, texts: list[str], n_neighbors: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Positions in ``occupations_`` of the best ``n_neighbors`` occupations, and scores."""
        return best_of(self.scores(texts), n_neighbors)

    def kneighbors_groups(
        self, texts: list[str], n_neighbors: int = 1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`kneighbors`, and the cosine of each text with the labels of each found
        occupation's ISCO-08 unit group (the best over its languages; 0 for a lexical
        taxonomy or a group without labels), ``(len(texts), n_neighbors)`` each."""
        vectors = self._vectors(texts)
        positions, scores = best_of(self._scores(texts, vectors), n_neighbors)
        codes = getattr(self, "group_codes_", None)
        if vectors is None or codes is None or not len(codes):
            return positions, scores, np.zeros(positions.shape, dtype=np.float32)
        per_group = np.maximum.reduceat(vectors @ self.group_vectors_.T, self.group_starts_, axis=1)
        isco = isco_int(self.occupations_["isco"])[positions]
        rows = np.arange(len(texts))[:, None]
        return positions, scores, per_group_value(per_group, rows, codes, isco)

    def learned_groups(
        self, texts: list[str], vectors: np.ndarray | None = None, model_id: str | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Each whole profile's probability of each unit group learned from the labelled
        profiles, ``(len(texts), n_groups)``, and those groups (ISCO-08, int, sorted); None
        when this taxonomy learned none (lexical, or ``learn_from_profiles`` off).
        ``vectors``: the texts' embeddings, used when ``model_id`` (the model that made
        them) is this taxonomy's."""
        classes = getattr(self, "learned_classes_", None)
        if classes is None or self.encoder is None:
            return None
        if not len(texts):
            return np.zeros((0, len(classes)), dtype=np.float32), classes
        if vectors is None or model_id != self.encoder.model_id:
            vectors = self.encoder.encode(list(texts))
        return learned_probabilities(self.learned_coef_, self.learned_intercept_, vectors), classes

    def predict(self, texts: list[str]) -> np.ndarray:
        """The ESCO id of the best occupation for each text."""
        positions, _ = self.kneighbors(texts, 1)
        return self.occupations_["esco_id"].to_numpy()[positions[:, 0]]
