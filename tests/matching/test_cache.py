import multiprocessing as mp
import threading
import time

import numpy as np

from arraigo.matching import CachedEncoder, EmbeddingCache
from arraigo.matching._cache import SHARE_FROM


class CountingEncoder:
    """A deterministic toy encoder that records what it was asked to encode."""

    model_id = "toy/1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        rows = np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_second_run_encodes_nothing_new(tmp_path):
    texts = ["soldador", "cocinero", "soldador", "albañil"]
    first = CachedEncoder(CountingEncoder(), EmbeddingCache(tmp_path))
    vectors = first.encode(texts)
    assert first.n_encoded == 3  # the repeated text is encoded once

    inner = CountingEncoder()
    second = CachedEncoder(inner, EmbeddingCache(tmp_path))  # a new process, same folder
    again = second.encode(texts)
    assert second.n_encoded == 0 and inner.seen == []
    np.testing.assert_array_equal(vectors, again)


def test_only_unseen_texts_reach_the_model(tmp_path):
    cache = EmbeddingCache(tmp_path)
    CachedEncoder(CountingEncoder(), cache).encode(["a", "b"])
    inner = CountingEncoder()
    mixed = CachedEncoder(inner, EmbeddingCache(tmp_path)).encode(["b", "c", "a"])
    assert inner.seen == ["c"]
    np.testing.assert_array_equal(mixed, CountingEncoder().encode(["b", "c", "a"]))


def test_cache_keeps_models_apart(tmp_path):
    cache = EmbeddingCache(tmp_path)
    CachedEncoder(CountingEncoder(), cache).encode(["a"])
    other = CountingEncoder()
    other.model_id = "toy/2"
    wrapped = CachedEncoder(other, cache)
    wrapped.encode(["a"])
    assert wrapped.n_encoded == 1


def test_progress_hook_reports_batches(tmp_path):
    calls = []
    encoder = CachedEncoder(
        CountingEncoder(),
        EmbeddingCache(tmp_path),
        batch_size=2,
        progress=lambda d, t: calls.append((d, t)),
    )
    encoder.encode(["a", "b", "c", "d", "e"])
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_keys_ending_in_zero_bytes_survive_a_reload(tmp_path, monkeypatch):
    import arraigo.matching._cache as cache_module

    # A digest ending in b"\0" is about 1 in 256 texts: force it for every text.
    monkeypatch.setattr(cache_module, "text_key", lambda t: t.encode().ljust(16, b"\0")[:16])
    CachedEncoder(CountingEncoder(), EmbeddingCache(tmp_path)).encode(["ab", "cd"])
    again = CachedEncoder(CountingEncoder(), EmbeddingCache(tmp_path))
    again.encode(["ab", "cd"])
    assert again.n_encoded == 0


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    from arraigo.matching import default_cache_dir

    monkeypatch.setenv("ARRAIGO_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ARRAIGO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "arraigo" / "embeddings"


class SlowEncoder(CountingEncoder):
    """Says when it starts encoding, then takes its time."""

    def __init__(self, started) -> None:
        super().__init__()
        self.started = started

    def encode(self, texts):
        self.started.set()
        time.sleep(0.3)
        return super().encode(texts)


def _encode_in_another_process(folder, texts, started) -> None:
    CachedEncoder(SlowEncoder(started), EmbeddingCache(folder)).encode(texts)


def test_two_processes_fitting_the_same_postings_encode_them_once(tmp_path):
    """Sibling workers refit on the same import: the second waits for the first's
    vectors instead of encoding the same texts beside it on the same cores."""
    texts = [f"posting {i}" for i in range(SHARE_FROM * 2)]
    context = mp.get_context("fork")
    started = context.Event()
    sibling = context.Process(target=_encode_in_another_process, args=(tmp_path, texts, started))
    sibling.start()
    assert started.wait(timeout=60), "the other process did not start encoding"
    mine = CachedEncoder(CountingEncoder(), EmbeddingCache(tmp_path))
    vectors = mine.encode(texts)
    sibling.join(timeout=60)
    assert sibling.exitcode == 0
    assert mine.n_encoded == 0  # waited, then read the sibling's vectors
    np.testing.assert_array_equal(vectors, CountingEncoder().encode(texts))


def test_a_few_texts_are_encoded_without_waiting_for_a_fit(tmp_path):
    """A person's first ranking never waits behind a sibling's fit."""
    cache = EmbeddingCache(tmp_path)
    with cache.sharing(CountingEncoder.model_id):  # a fit under way elsewhere
        texts = [f"perfil {i}" for i in range(SHARE_FROM - 1)]
        done = threading.Event()
        encoder = CachedEncoder(CountingEncoder(), EmbeddingCache(tmp_path))
        worker = threading.Thread(target=lambda: encoder.encode(texts) is not None and done.set())
        worker.start()
        worker.join(timeout=60)
        assert done.is_set() and encoder.n_encoded == len(texts)
