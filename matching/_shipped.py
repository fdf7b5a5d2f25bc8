"""ESCO label embeddings of the default model, shipped precomputed in ``arraigo.data``, so a
fresh machine encodes no label before its first match.

``esco_label_vectors.npz`` holds each occupation label the taxonomy embeds, and each
ISCO-08 unit group's label (``isco_groups.csv``, es/fr/en): its text digest, its vector
quantised to int8 with one scale per row, and the model id it was encoded with.
``esco_reference_vectors.npz`` holds the ESCO skill labels every reason's gaps are
measured against (``_skills.reference_labels``) in float32, exactly as the model gives
them. Each is used only for that model and only when it holds every text asked for;
anything else is encoded as usual. A developer rebuilds both after a new ESCO table or
default model (minutes on two cores; ``ARRAIGO_CACHE_DIR`` keeps the
vectors for a rerun):

    python -m arraigo.matching._build_shipped

This service uses the ESCO classification of the European Commission.
"""

from collections.abc import Sequence
from functools import cache

import numpy as np

from arraigo.data import reference_path

from ._cache import text_key
from ._encoders import normalise_rows

SHIPPED_VECTORS = "esco_label_vectors.npz"
REFERENCE_VECTORS = "esco_reference_vectors.npz"


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and per-row scales of float vectors: ``codes * scale`` approximates them."""
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    codes = np.rint(vectors / scale[:, None]).astype(np.int8)
    return codes, scale


def dequantise(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Unit-norm float32 rows from int8 ``codes`` and their ``scale``."""
    return normalise_rows(codes.astype(np.float32) * scale[:, None])


@cache
def _shipped() -> tuple[str, dict[bytes, int], np.ndarray, np.ndarray] | None:
    path = reference_path(SHIPPED_VECTORS)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        model_id, keys = str(stored["model_id"]), stored["keys"]
        codes, scale = stored["codes"], stored["scale"]
    rows = {k.tobytes(): i for i, k in enumerate(keys)}
    return model_id, rows, codes, scale


def shipped_label_vectors(model_id: str, texts: Sequence[str]) -> np.ndarray | None:
    """The shipped vectors of ``texts`` for ``model_id``; None unless all are shipped."""
    shipped = _shipped()
    if shipped is None or shipped[0] != model_id:
        return None
    _, rows, codes, scale = shipped
    where = [rows.get(text_key(t), -1) for t in texts]
    if min(where, default=0) < 0:
        return None
    return dequantise(codes[where], scale[where])


@cache
def _shipped_exact(name: str) -> tuple[str, dict[bytes, int], np.ndarray] | None:
    path = reference_path(name)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        model_id, keys, vectors = str(stored["model_id"]), stored["keys"], stored["vectors"]
    return model_id, {k.tobytes(): i for i, k in enumerate(keys)}, vectors


def shipped_reference_vectors(model_id: str, texts: Sequence[str]) -> np.ndarray | None:
    """The float32 vectors of ``texts`` shipped in :data:`REFERENCE_VECTORS` for
    ``model_id`` (the model's own output, bit for bit); None unless all are shipped."""
    shipped = _shipped_exact(REFERENCE_VECTORS)
    if shipped is None or shipped[0] != model_id:
        return None
    _, rows, vectors = shipped
    where = [rows.get(text_key(t), -1) for t in texts]
    if min(where, default=0) < 0:
        return None
    return vectors[where]
