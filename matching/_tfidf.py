"""TF-IDF over postings that repeat their templates, analysing each distinct text once."""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def fit_transform(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
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
