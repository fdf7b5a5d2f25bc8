import numpy as np
import pytest

from arraigo.matching import top_k


@pytest.mark.parametrize("block_rows", [None, 1, 7])
def test_top_k_equals_a_full_sort(block_rows):
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(23, 16)).astype(np.float32)
    index = rng.normal(size=(301, 16)).astype(np.float32)
    indices, scores = top_k(queries, index, 5, block_rows=block_rows)
    full = queries @ index.T
    expected = np.argsort(-full, axis=1)[:, :5]
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_allclose(scores, np.take_along_axis(full, expected, axis=1), rtol=1e-6)


def test_top_k_with_k_above_index_size_returns_everything_sorted():
    index = np.eye(3, dtype=np.float32)
    indices, scores = top_k(np.array([[0.1, 0.9, 0.5]], dtype=np.float32), index, 10)
    assert indices.tolist() == [[1, 2, 0]]
    assert scores.shape == (1, 3)


@pytest.mark.parametrize("n_index", [5_000, 5_003, 64 * 40])
def test_two_stage_selection_on_a_large_index_equals_a_full_sort(n_index):
    rng = np.random.default_rng(n_index)
    queries = rng.normal(size=(11, 8)).astype(np.float32)
    index = rng.normal(size=(n_index, 8)).astype(np.float32)
    indices, scores = top_k(queries, index, 10)
    full = queries @ index.T
    expected = np.argsort(-full, axis=1, kind="stable")[:, :10]
    np.testing.assert_allclose(scores, np.take_along_axis(full, expected, axis=1), rtol=1e-6)
    np.testing.assert_array_equal(indices, expected)
