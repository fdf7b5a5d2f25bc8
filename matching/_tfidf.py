"""TF-IDF read fast: postings that repeat their templates analysed once per distinct text;
the ESCO labels' n-gram index built from one reading of them."""

from collections.abc import Callable
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer


def fit_transform(
    vectorizer: TfidfVectorizer, texts: list[str]
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``vectorizer.fit_transform(texts)``, reading and keeping each distinct text once:
    the distinct texts' rows, and each text's row among them (``rows[inverse]`` is the
    plain fit's matrix).

    Fitted on the distinct texts, the vocabulary is the same; the inverse document
    frequencies are then counted over every text, as the plain fit would, and the
    distinct texts' counts weighted with them, so the rows are the plain fit's and
    ``vectorizer`` is fitted as the plain fit leaves it.
    """
    distinct, inverse, repeats = np.unique(
        np.asarray(texts, dtype=object).astype(str), return_inverse=True, return_counts=True
    )
    documents, inverse = distinct.tolist(), inverse.ravel()
    if not vectorizer.use_idf:
        return vectorizer.fit_transform(documents), inverse
    counter = _counter(vectorizer)
    counts = counter.fit_transform(documents)
    # Its n-grams in vocabulary order, as a vectorizer's transform reads them.
    counts = sparse.csr_matrix(
        (counts.data, counts.indices.copy(), counts.indptr), shape=counts.shape
    )
    counts.has_sorted_indices = False
    counts.sort_indices()
    present = counts.copy()
    present.data[:] = 1.0
    frequency = np.asarray(present.T @ repeats.astype(np.float64)).ravel()
    n = len(texts) + int(vectorizer.smooth_idf)
    idf = (np.log(n / (frequency + int(vectorizer.smooth_idf))) + 1.0).astype(vectorizer.dtype)
    vectorizer.vocabulary_ = counter.vocabulary_
    vectorizer.idf_ = idf
    weights = TfidfTransformer(
        norm=vectorizer.norm, sublinear_tf=vectorizer.sublinear_tf, smooth_idf=vectorizer.smooth_idf
    )
    weights.idf_ = idf
    return weights.transform(counts), inverse


class PostingNgrams:
    """The postings' character n-gram vectors (``vectorizer`` fitted on ``texts``), each
    distinct text kept once, as rows and as terms x texts: postings repeat their
    templates, and one profile against every posting is then one sparse product over
    the profile's terms (a transpose of every posting's row per ask took 0.5 s at
    50,000 postings)."""

    def __init__(self, vectorizer: TfidfVectorizer, texts: list[str]) -> None:
        self.rows, self.text = fit_transform(vectorizer, texts)  # each posting's text row
        self.by_term = self.rows.T.tocsr()

    def pairs(self, profiles: sparse.csr_matrix, postings: np.ndarray) -> np.ndarray:
        """The cosine of each profile row with the posting beside it."""
        return np.asarray(profiles.multiply(self.rows[self.text[postings]]).sum(axis=1)).ravel()

    def cosines(self, profiles: sparse.csr_matrix, postings: np.ndarray | slice) -> np.ndarray:
        """Dense ``(profiles, postings)`` cosines; ``slice(None)``: every posting."""
        texts, column = np.unique(self.text[postings], return_inverse=True)
        every = len(texts) == self.rows.shape[0]  # then texts is 0..n-1, in order
        terms = self.by_term if every else self.rows[texts].T
        return (profiles @ terms).toarray()[:, column.ravel()]


def _counter(vectorizer: TfidfVectorizer) -> CountVectorizer:
    """An unfitted CountVectorizer that counts what ``vectorizer`` counts; for the
    default character n-grams, with each word's n-grams computed once."""
    names = CountVectorizer().get_params().keys()
    params = {k: v for k, v in vectorizer.get_params().items() if k in names}
    plain = (
        params["analyzer"] == "char_wb"
        and params["input"] == "content"
        and params["lowercase"]
        and params["preprocessor"] is None
        and params["strip_accents"] is None
    )
    if plain:
        params |= {"analyzer": char_wb_analyser(params["ngram_range"]), "ngram_range": (1, 1)}
    return CountVectorizer(**params)


def char_wb_analyser(ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    """The n-grams ``TfidfVectorizer(analyzer="char_wb")`` reads in a text, in its order,
    each word's computed once: ESCO's 59,000 labels share most of their words."""
    low, high = ngram_range

    @cache
    def word_ngrams(word: str) -> tuple[str, ...]:
        padded = f" {word} "
        grams = []
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1))
            if len(padded) <= n:  # a short word is counted once, as scikit-learn does
                break
        return tuple(grams)

    def analyse(text: str) -> list[str]:
        return [gram for word in text.lower().split() for gram in word_ngrams(word)]

    return analyse


def label_index(
    texts: list[str], ngram_range: tuple[int, int]
) -> tuple[dict[str, int], np.ndarray, sparse.csr_matrix, sparse.csr_matrix]:
    """``(vocabulary, idf, tfidf, share)`` of character n-grams over ``texts``, from one
    reading of them: ``tfidf`` is what ``TfidfVectorizer(analyzer="char_wb",
    sublinear_tf=True)`` gives, ``share`` the same n-grams present (binary), weighted by
    idf and summing to 1 per text (norm "l1"). Both share the vocabulary and idf."""
    counter = CountVectorizer(analyzer=char_wb_analyser(ngram_range), dtype=np.float32)
    counts = counter.fit_transform(texts)
    vocabulary = dict(counter.vocabulary_)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    # Binary, its n-grams in vocabulary order, as a vectorizer on the fixed vocabulary
    # reads them (so each row's l1 sum adds the same numbers in the same order).
    present = sparse.csr_matrix(
        (np.ones_like(counts.data), counts.indices.copy(), counts.indptr.copy()), shape=counts.shape
    )
    present.has_sorted_indices = False
    present.sort_indices()
    share = TfidfTransformer(norm="l1").fit_transform(present)
    return vocabulary, tfidf.idf_, tfidf.transform(counts), share
