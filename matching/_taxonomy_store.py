"""The fitted ESCO taxonomy index kept on disk next to the embedding cache, so a process
loads it in a fraction of a second instead of refitting (seconds of TF-IDF over 59,000
labels, minutes of label embedding on a fresh machine).

One folder per key: a digest of the label table, the normaliser's parameters and the
encoder's model id, so any change to them gives a new key and a rebuild. The index is
NumPy arrays in one ``.npz`` read with ``allow_pickle=False`` plus a JSON manifest:
loading a tampered cache can fail, never run code. A folder is written under a
temporary name and renamed into place, so readers see a whole index or none.
"""

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from arraigo.data import reference_path

from ._cache import CachedEncoder, EmbeddingCache, default_cache_dir
from ._creole import CREOLE_LEXICON
from ._encoders import Encoder
from ._learned import LABELLED_FILE, TRADES_FILE
from ._taxonomy import (
    ESCO_FILE,
    ISCO_FILE,
    TaxonomyNormaliser,
    esco_labels,
    load_esco_occupations,
)

# Bumped whenever what is stored, or how it is read, changes.
FORMAT = 6
_SPARSE = ("label_matrix_", "label_share_")
_DENSE = ("lexical_occ_", "lexical_starts_", "label_factor_")
_EMBEDDED = ("label_vectors_", "embedded_occ_", "embedded_starts_")
_GROUPS = ("group_vectors_", "group_codes_", "group_starts_")
_LEARNED = ("learned_coef_", "learned_intercept_", "learned_classes_")
# What the learned unit groups (``_learned``) are fitted from, besides the encoder.
_LEARNED_SOURCES = (LABELLED_FILE, TRADES_FILE, CREOLE_LEXICON)


def index_key(normaliser: TaxonomyNormaliser, labels: pd.DataFrame | bytes) -> str:
    """Digest of what the fitted index depends on: the labels (the table, or the bytes
    it is built from), the ISCO unit groups' labels, the normaliser's parameters, the
    encoder's model id and, for the learned unit groups, the labelled profiles, the
    trades' phrases and the Creole lexicon that bridges them."""
    params = {k: v for k, v in normaliser.get_params(deep=False).items() if k != "encoder"}
    encoder = normaliser.encoder
    head = {
        "format": FORMAT,
        "params": params,
        "model_id": None if encoder is None else encoder.model_id,
    }
    text = json.dumps(head, sort_keys=True, default=list)
    digest = hashlib.blake2b(text.encode(), digest_size=16)
    if isinstance(labels, pd.DataFrame):
        labels = pd.util.hash_pandas_object(labels, index=False).to_numpy().tobytes()
    digest.update(labels)
    for name in (ISCO_FILE, *_LEARNED_SOURCES):
        digest.update(reference_path(name).read_bytes())
    return digest.hexdigest()


def save_index(normaliser: TaxonomyNormaliser, folder: Path) -> None:
    """Write a fitted normaliser's index to ``folder`` (atomically: whole or absent)."""
    arrays: dict[str, np.ndarray] = {
        "esco_id": normaliser.occupations_["esco_id"].to_numpy().astype(str),
        "isco": normaliser.occupations_["isco"].to_numpy().astype(str),
        "label_es": normaliser.occupations_["label_es"].to_numpy().astype(str),
        "label_en": normaliser.occupations_["label_en"].to_numpy().astype(str),
        "features": normaliser.vectorizer_.get_feature_names_out().astype(str),
        "idf": normaliser.vectorizer_.idf_,
        **{name: getattr(normaliser, name) for name in _DENSE},
    }
    for name in _SPARSE:
        matrix = getattr(normaliser, name).tocsr()
        arrays |= {
            f"{name}data": matrix.data,
            f"{name}indices": matrix.indices,
            f"{name}indptr": matrix.indptr,
            f"{name}shape": np.asarray(matrix.shape),
        }
    embedded = normaliser.label_vectors_ is not None
    if embedded:
        arrays |= {name: getattr(normaliser, name) for name in _EMBEDDED + _GROUPS}
    learned = getattr(normaliser, "learned_coef_", None) is not None
    if learned:
        arrays |= {name: getattr(normaliser, name) for name in _LEARNED}
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.tmp")
    tmp.mkdir()
    try:
        np.savez(tmp / "index.npz", **arrays)
        manifest = {"format": FORMAT, "embedded": embedded, "learned": learned}
        (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(tmp, folder)
    except OSError:
        # Another process put the same index in place first: theirs is as good.
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "manifest.json").exists():
            raise


def load_index(normaliser: TaxonomyNormaliser, folder: Path) -> TaxonomyNormaliser:
    """``normaliser`` (unfitted, same parameters) with the index stored in ``folder``."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"taxonomy index {folder} has format {manifest.get('format')}")
    with np.load(folder / "index.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    normaliser.occupations_ = pd.DataFrame(
        {name: arrays[name].astype(object) for name in ("esco_id", "isco", "label_es", "label_en")}
    )
    features = arrays["features"].tolist()
    normaliser.vectorizer_ = normaliser.lexical_vectorizer(
        vocabulary=dict(zip(features, range(len(features)), strict=True))
    )
    normaliser.vectorizer_.idf_ = arrays["idf"]
    for name in _SPARSE:
        normaliser.__dict__[name] = sparse.csr_matrix(
            (arrays[f"{name}data"], arrays[f"{name}indices"], arrays[f"{name}indptr"]),
            shape=tuple(arrays[f"{name}shape"]),
        )
    for name in _DENSE:
        setattr(normaliser, name, arrays[name])
    normaliser.label_vectors_ = None
    if manifest["embedded"]:
        for name in _EMBEDDED + _GROUPS:
            setattr(normaliser, name, arrays[name])
    for name in _LEARNED:
        setattr(normaliser, name, arrays[name] if manifest["learned"] else None)
    return normaliser


def fit_cached(
    normaliser: TaxonomyNormaliser,
    labels: pd.DataFrame | Callable[[], pd.DataFrame],
    directory: str | Path,
    source: bytes | None = None,
) -> TaxonomyNormaliser:
    """``normaliser.fit(labels)``, read from ``directory`` when an index with the same key
    is stored there, else fitted and stored for the next process. ``labels`` may be a
    function that builds the table, called only to fit; ``source`` (what it is built
    from) then stands for it in the key."""
    key = index_key(normaliser, labels if source is None else source)
    folder = Path(directory) / "taxonomy" / key
    if (folder / "manifest.json").exists():
        try:
            load_index(normaliser, folder)
            normaliser.index_key_ = key
            return normaliser
        except (OSError, ValueError, KeyError):
            shutil.rmtree(folder, ignore_errors=True)  # damaged: rebuilt below
    normaliser.fit(labels() if callable(labels) else labels)
    save_index(normaliser, folder)
    normaliser.index_key_ = key
    return normaliser


def default_taxonomy(
    encoder: Encoder | None, cache_dir: str | Path | None = None
) -> TaxonomyNormaliser:
    """The normaliser on every label Arraigo ships, its index kept in ``cache_dir``
    (default :func:`default_cache_dir`); ``encoder`` None gives the lexical one. Keyed
    by the shipped ESCO file's bytes, so a process that finds the index reads no label
    (a change to how :func:`esco_labels` reads that file must bump ``FORMAT``)."""
    source = reference_path(ESCO_FILE).read_bytes()
    return fit_cached(
        TaxonomyNormaliser(encoder=encoder),
        lambda: esco_labels(load_esco_occupations()),
        cache_dir or default_cache_dir(),
        source,
    )


class _BestOccupation:
    """Each text's ``k`` best occupations as a row (positions, scores, then the text's
    similarity to each one's unit-group labels), shaped as an encoder so
    :class:`CachedEncoder` keeps it on disk by text under the index's key."""

    def __init__(self, normaliser: TaxonomyNormaliser, k: int = 1) -> None:
        self.normaliser = normaliser
        self.k = k
        self.model_id = f"taxonomy-best{'' if k == 1 else k}+groups/{normaliser.index_key_}"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.column_stack(_padded(self.normaliser, texts, self.k)).astype(np.float32)


def _padded(
    normaliser: TaxonomyNormaliser, texts: list[str], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # ``k`` columns even when the taxonomy has fewer occupations (-1 and 0 pad them).
    positions, scores, groups = normaliser.kneighbors_groups(list(texts), k)
    short = k - positions.shape[1]
    if short > 0:
        positions = np.pad(positions, ((0, 0), (0, short)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, short)))
        groups = np.pad(groups, ((0, 0), (0, short)))
    return positions, scores, groups


class BestOccupation:
    """``texts -> (positions, scores)``: each text's best occupation in a fitted
    normaliser (``neighbours``: its ``k`` best, ``(n, k)``, and the text's similarity to
    their unit groups' labels), remembered by text in ``cache`` when the normaliser was
    read from or stored in an index cache (postings and profiles repeat titles and
    clauses)."""

    def __init__(
        self, normaliser: TaxonomyNormaliser, cache: EmbeddingCache | None, k: int = 1
    ) -> None:
        self.normaliser = normaliser
        self.k = k
        keyed = cache is not None and getattr(normaliser, "index_key_", None)
        self._cached = CachedEncoder(_BestOccupation(normaliser, k), cache) if keyed else None

    def neighbours(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions, scores and unit-group label similarities, ``(len(texts), k)`` each
        (see :meth:`TaxonomyNormaliser.kneighbors_groups`)."""
        if self._cached is None or not texts:
            return _padded(self.normaliser, texts, self.k)
        found = self._cached.encode(texts)
        k = self.k
        return found[:, :k].astype(np.int64), found[:, k : 2 * k], found[:, 2 * k :]

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        positions, scores, _ = self.neighbours(texts)
        return positions[:, 0], scores[:, 0]
