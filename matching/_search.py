"""Exact top-k search in blocks with NumPy: no Python loop over rows."""

import numpy as np

# Rows of a query block times index size kept under this many float32 scores
# (about 128 MB), so memory stays flat however many queries arrive.
BLOCK_SCORES = 32_000_000


def best_of(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the ``k`` largest entries of each row, best first."""
    n_cols = scores.shape[1]
    k = min(k, n_cols)
    if k < n_cols:
        part = np.argpartition(scores, n_cols - k, axis=1)[:, n_cols - k :]
    else:
        part = np.broadcast_to(np.arange(n_cols), scores.shape)
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_scores, order, axis=1)


def top_k(
    queries: np.ndarray, index: np.ndarray, k: int, block_rows: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``index`` with the highest dot product with each query.

    Both matrices hold unit-norm float32 rows, so the dot product is the cosine.
    Returns ``(indices, scores)``, each ``(len(queries), min(k, len(index)))``, best first.
    """
    queries = np.asarray(queries, dtype=np.float32)
    index = np.asarray(index, dtype=np.float32)
    k = min(k, len(index))
    if block_rows is None:
        block_rows = max(1, BLOCK_SCORES // max(len(index), 1))
    indices = np.empty((len(queries), k), dtype=np.int64)
    scores = np.empty((len(queries), k), dtype=np.float32)
    for start in range(0, len(queries), block_rows):
        stop = start + block_rows
        indices[start:stop], scores[start:stop] = best_of(queries[start:stop] @ index.T, k)
    return indices, scores
