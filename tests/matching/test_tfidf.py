"""SNE postings repeat their templates: the matcher analyses each distinct text once,
and must index them exactly as if it had read every posting."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from arraigo.matching._tfidf import PostingNgrams, fit_transform, label_index

POSTINGS = [
    "Soldador MIG/TIG. Estructuras automotrices",
    "Costurero(a) industrial. Máquina recta y overlock",
    "Soldador MIG/TIG. Estructuras automotrices",
    "Operador de montacargas. Turno nocturno",
    "Soldador MIG/TIG. Estructuras automotrices",
    "Costurero(a) industrial. Máquina recta y overlock",
    "Ayudante general de almacén",
]


def test_repeated_postings_are_indexed_as_by_the_plain_fit():
    for params in (
        {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True},
        {"token_pattern": r"(?u)\b[^\W\d_]{4,}\b", "stop_words": ["turno"]},
    ):
        plain = TfidfVectorizer(dtype=np.float32, **params)
        expected = plain.fit_transform(POSTINGS)
        once = TfidfVectorizer(dtype=np.float32, **params)
        rows, inverse = fit_transform(once, POSTINGS)
        assert rows.shape[0] == len(set(POSTINGS))  # each distinct text kept once
        got = rows[inverse].toarray()
        np.testing.assert_allclose(got, expected.toarray(), rtol=1e-5, atol=1e-6)
        # The fitted vectorizer reads a new profile the same way too.
        profile = ["Soldadura y montacargas"]
        np.testing.assert_allclose(
            once.transform(profile).toarray(), plain.transform(profile).toarray(), rtol=1e-5
        )


def test_the_label_index_is_the_plain_vectorizers_from_one_reading():
    labels = [
        "soldador de estructuras metálicas",
        "soudeuse",
        "cocinero",
        "ay",  # shorter than the n-grams, padded: counted once
        "ayudante  general\tde almacén",
        "Operador de MONTACARGAS",
        "soldador",
    ]
    vocabulary, idf, tfidf, share = label_index(labels, (3, 5))
    plain = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    )
    expected = plain.fit_transform(labels)
    presence = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        vocabulary=plain.vocabulary_,
        binary=True,
        norm="l1",
        dtype=np.float32,
    )
    expected_share = presence.fit_transform(labels)
    assert vocabulary == plain.vocabulary_
    np.testing.assert_array_equal(idf, plain.idf_)
    for got, want in ((tfidf, expected), (share, expected_share)):
        assert (got != want).nnz == 0
        np.testing.assert_array_equal(got.indices, want.indices)  # same order, same sums


def test_posting_ngrams_give_each_posting_its_texts_cosines_every_way_asked():
    """Kept once per distinct text, the postings score a profile exactly as their plain
    rows would: against every posting, a few of them (repeated, out of order) or pairs."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    ngrams = PostingNgrams(vectorizer, POSTINGS)
    plain = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    rows = plain.fit_transform(POSTINGS)
    profiles = vectorizer.transform(["soldadura MIG", "costura overlock y montacargas"])
    expected = (profiles @ rows.T).toarray()
    np.testing.assert_allclose(ngrams.cosines(profiles, slice(None)), expected, rtol=1e-5)
    some = np.array([4, 1, 2, 4])
    np.testing.assert_allclose(ngrams.cosines(profiles, some), expected[:, some], rtol=1e-5)
    person, posting = np.array([0, 1, 1]), np.array([2, 5, 3])
    np.testing.assert_allclose(
        ngrams.pairs(profiles[person], posting), expected[person, posting], rtol=1e-5
    )
