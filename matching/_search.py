"""Exact top-k search in blocks with NumPy: no Python loop over rows."""

import numpy as np

# Rows of a query block times index size kept under this many float32 scores
# (about 128 MB), so memory stays flat however many queries arrive.
BLOCK_SCORES = 32_000_000


# Columns per group in the two-stage selection below.
_GROUP = 64


def _candidate_columns(scores: np.ndarray, k: int) -> np.ndarray | None:
    """Columns that surely hold each row's ``k`` largest entries (None: keep them all).

    The ``k`` largest entries of a row lie in the ``k`` column groups with the largest
    maxima (any other group's entries are beaten by ``k`` group maxima), so one fast
    max-reduction and a small partition replace a partition over every column.
    """
    n_rows, n_cols = scores.shape
    if k * _GROUP * 4 > n_cols:
        return None
    n_groups = n_cols // _GROUP
    maxima = scores[:, : n_groups * _GROUP].reshape(n_rows, n_groups, _GROUP).max(axis=2)
    groups = np.argpartition(maxima, n_groups - k, axis=1)[:, n_groups - k :]
    columns = (groups[:, :, None] * _GROUP + np.arange(_GROUP)).reshape(n_rows, k * _GROUP)
    rest = np.arange(n_groups * _GROUP, n_cols)
    return np.concatenate([columns, np.broadcast_to(rest, (n_rows, len(rest)))], axis=1)


def best_of(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the ``k`` largest entries of each row, best first."""
    k = min(k, scores.shape[1])
    columns = _candidate_columns(scores, k)
    candidates = scores if columns is None else np.take_along_axis(scores, columns, axis=1)
    n_cand = candidates.shape[1]
    if k < n_cand:
        part = np.argpartition(candidates, n_cand - k, axis=1)[:, n_cand - k :]
    else:
        part = np.broadcast_to(np.arange(n_cand), candidates.shape)
    part_scores = np.take_along_axis(candidates, part, axis=1)
    if columns is not None:
        part = np.take_along_axis(columns, part, axis=1)
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
    # One block of scores reused: a new one each time costs the kernel zeroing its pages.
    block = np.empty((min(block_rows, len(queries)), len(index)), dtype=np.float32)
    for start in range(0, len(queries), block_rows):
        rows = queries[start : start + block_rows]
        products = np.matmul(rows, index.T, out=block[: len(rows)])
        indices[start : start + len(rows)], scores[start : start + len(rows)] = best_of(products, k)
    return indices, scores
