"""On-disk embedding cache keyed by (model id, text hash), so each text is encoded once.

Layout: ``<directory>/<model slug>/<shard>.vecs.npy`` and ``<shard>.keys.npy``; each run
that encodes something new appends one shard. Vector files are memory-mapped, so a
large cache costs page cache, not process memory, until rows are used.
"""

import hashlib
import os
import re
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from ._encoders import Encoder

ProgressHook = Callable[[int, int], None]

# Texts from which an encoding is shared: the process encodes them while the others
# sharing the cache wait, then read its vectors. Fewer are encoded at once, unshared, so
# a person's first ranking never waits behind a fit. At most SHARE_WAIT seconds of wait.
SHARE_FROM = 64
SHARE_WAIT = 900.0


def default_cache_dir() -> Path:
    """``$ARRAIGO_CACHE_DIR``, else ``$XDG_CACHE_HOME/arraigo/embeddings`` (~/.cache)."""
    if os.environ.get("ARRAIGO_CACHE_DIR"):
        return Path(os.environ["ARRAIGO_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "arraigo" / "embeddings"


def text_key(text: str) -> bytes:
    """A 16-byte digest of ``text``: the cache key within one model."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _slug(model_id: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)[:80]
    return f"{readable}-{hashlib.sha1(model_id.encode()).hexdigest()[:8]}"


class EmbeddingCache:
    """Vectors of texts already encoded, per model, persisted in ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._rows: dict[str, dict[bytes, tuple[int, int]]] = {}
        self._shards: dict[str, list[np.ndarray]] = {}
        self._read: dict[str, set[str]] = {}  # the shard files read, per model

    def _load(self, model_id: str) -> dict[bytes, tuple[int, int]]:
        if model_id not in self._rows:
            self._rows[model_id], self._shards[model_id] = {}, []
            self._read[model_id] = set()
            self.refresh(model_id)  # every shard, the first time
        return self._rows[model_id]

    def refresh(self, model_id: str) -> None:
        """Read the shards other processes wrote since this one last looked."""
        rows = self._load(model_id)
        shards, read = self._shards[model_id], self._read[model_id]
        for keys_file in sorted((self.directory / _slug(model_id)).glob("*.keys.npy")):
            if keys_file.name in read:
                continue
            vecs_file = keys_file.with_name(keys_file.name.replace(".keys.", ".vecs."))
            # Keys are stored as raw bytes (uint8 rows): NumPy's "S" strings would drop
            # a digest's trailing zero bytes.
            keys = np.load(keys_file)
            shards.append(np.load(vecs_file, mmap_mode="r"))
            read.add(keys_file.name)
            shard = len(shards) - 1
            rows.update({k.tobytes(): (shard, i) for i, k in enumerate(keys)})

    @contextmanager
    def sharing(self, model_id: str) -> Iterator[None]:
        """Hold the model's encoding lock (every process using this cache): encodings
        done under it are seen by the next holder through :meth:`refresh`. Waits at
        most SHARE_WAIT seconds, then goes on without it (a stuck holder)."""
        folder = self.directory / _slug(model_id)
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / "encoding.lock")
        try:
            lock.acquire(timeout=SHARE_WAIT)
        except Timeout:
            yield
            return
        try:
            self.refresh(model_id)
            yield
        finally:
            lock.release()

    def locate(self, model_id: str, keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """``(shard, row)`` of each key, both -1 where the key is not cached."""
        rows = self._load(model_id)
        where = np.array([rows.get(k, (-1, -1)) for k in keys], dtype=np.int64).reshape(-1, 2)
        return where[:, 0], where[:, 1]

    def gather(self, model_id: str, shard: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The cached vectors at ``(shard, row)``, copied straight from the shard files."""
        shards = self._shards[model_id]
        out = np.empty((len(shard), shards[0].shape[1] if shards else 0), dtype=np.float32)
        for s in np.unique(shard):
            mask = shard == s
            if mask.all():
                np.take(shards[s], row, axis=0, out=out, mode="clip")  # unbuffered
            else:
                out[mask] = shards[s][row[mask]]
        return out

    def store(self, model_id: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Persist new ``vectors`` for ``keys`` as one shard (written atomically)."""
        if len(keys) == 0:
            return
        rows = self._load(model_id)
        folder = self.directory / _slug(model_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model_id.txt").write_text(model_id + "\n", encoding="utf-8")
        name = uuid.uuid4().hex
        key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1)
        # The keys file is written last: a shard without it is ignored on load.
        for suffix, array in (
            ("vecs", np.ascontiguousarray(vectors, np.float32)),
            ("keys", key_array),
        ):
            tmp = folder / f"{name}.{suffix}.tmp.npy"
            np.save(tmp, array)
            os.replace(tmp, folder / f"{name}.{suffix}.npy")
        shards = self._shards[model_id]
        shards.append(np.load(folder / f"{name}.vecs.npy", mmap_mode="r"))
        self._read[model_id].add(f"{name}.keys.npy")
        rows.update({k: (len(shards) - 1, i) for i, k in enumerate(keys)})

    def forget(self, keys: Collection[bytes]) -> int:
        """Delete the vectors of ``keys`` from every model's shards (a person's erased
        texts); returns how many rows went. Each shard holding one is rewritten without
        it, then the old files are removed."""
        wanted = set(keys)
        removed = 0
        for keys_file in sorted(self.directory.glob("*/*.keys.npy")):
            stored = np.load(keys_file)
            drop = np.array([k.tobytes() in wanted for k in stored], dtype=bool)
            if not drop.any():
                continue
            vecs_file = keys_file.with_name(keys_file.name.replace(".keys.", ".vecs."))
            vectors = np.load(vecs_file)
            name = uuid.uuid4().hex
            for suffix, array in (("vecs", vectors[~drop]), ("keys", stored[~drop])):
                tmp = keys_file.parent / f"{name}.{suffix}.tmp.npy"
                np.save(tmp, array)
                os.replace(tmp, keys_file.parent / f"{name}.{suffix}.npy")
            keys_file.unlink()  # first: a shard without keys is ignored on load
            vecs_file.unlink()
            removed += int(drop.sum())
        self._rows.clear()  # read again from the files on next use
        self._shards.clear()
        self._read.clear()
        return removed


class CachedEncoder:
    """An :class:`Encoder` that asks ``cache`` first and encodes only unseen texts.

    ``n_encoded`` counts the texts this instance actually sent to the model; the
    optional ``progress(done, total)`` hook is called after each encoded batch.
    """

    def __init__(
        self,
        encoder: Encoder,
        cache: EmbeddingCache,
        batch_size: int = 256,
        progress: ProgressHook | None = None,
    ) -> None:
        self.encoder = encoder
        self.cache = cache
        self.batch_size = batch_size
        self.progress = progress
        self.model_id = encoder.model_id
        self.n_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        shard, row = self.cache.locate(self.model_id, keys)
        unseen = int((shard < 0).sum())
        if unseen >= SHARE_FROM:
            # Many: another process (a sibling worker fitting the same postings) may be
            # encoding them now; wait for it, then encode only what it did not.
            with self.cache.sharing(self.model_id):
                self._encode_unseen(texts, keys, self.cache.locate(self.model_id, keys)[0])
        elif unseen:
            self._encode_unseen(texts, keys, shard)
        if unseen:
            shard, row = self.cache.locate(self.model_id, keys)
        # Read back from the shard files, so memory holds one copy: the result.
        return self.cache.gather(self.model_id, shard, row)

    def _encode_unseen(self, texts: list[str], keys: list[bytes], shard: np.ndarray) -> None:
        unseen = {keys[i]: texts[i] for i in np.flatnonzero(shard < 0)}  # once each
        if unseen:
            self.cache.store(
                self.model_id, list(unseen), self._encode_batches(list(unseen.values()))
            )

    def _encode_batches(self, texts: list[str]) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), self.batch_size):
            parts.append(self.encoder.encode(texts[start : start + self.batch_size]))
            self.n_encoded += len(parts[-1])
            if self.progress is not None:
                self.progress(min(start + self.batch_size, len(texts)), len(texts))
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
