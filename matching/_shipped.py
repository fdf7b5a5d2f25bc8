"""ESCO label embeddings of the default model, shipped precomputed in ``arraigo.data``, so a
fresh machine encodes no label before its first match.

``esco_label_vectors.npz`` holds each occupation label the taxonomy embeds, each
ISCO-08 unit group's label (``isco_groups.csv``, es/fr/en) and each labelled profile the
learned unit groups train on (``_learned``): its text digest, its vector quantised to
int8 with one scale per row, and the model id it was encoded with.
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
def _stored(name: str) -> tuple[str, dict[bytes, int], dict[str, np.ndarray]] | None:
    """A shipped file's model id, each text digest's row, and its other arrays."""
    path = reference_path(name)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        model_id, keys = str(stored["model_id"]), stored["keys"]
        arrays = {k: stored[k] for k in stored.files if k not in ("model_id", "keys")}
    return model_id, {k.tobytes(): i for i, k in enumerate(keys)}, arrays


def _shipped_rows(
    name: str, model_id: str, texts: Sequence[str]
) -> tuple[list[int], dict[str, np.ndarray]] | None:
    """The rows of ``texts`` in shipped file ``name`` and its arrays, when it was
    encoded with ``model_id`` and holds every one of them; else None."""
    stored = _stored(name)
    if stored is None or stored[0] != model_id:
        return None
    _, rows, arrays = stored
    where = [rows.get(text_key(t), -1) for t in texts]
    return None if min(where, default=0) < 0 else (where, arrays)


def shipped_label_vectors(model_id: str, texts: Sequence[str]) -> np.ndarray | None:
    """The shipped vectors of ``texts`` for ``model_id``; None unless all are shipped."""
    found = _shipped_rows(SHIPPED_VECTORS, model_id, texts)
    if found is None:
        return None
    where, arrays = found
    return dequantise(arrays["codes"][where], arrays["scale"][where])


def shipped_reference_vectors(model_id: str, texts: Sequence[str]) -> np.ndarray | None:
    """The float32 vectors of ``texts`` shipped in :data:`REFERENCE_VECTORS` for
    ``model_id`` (the model's own output, bit for bit); None unless all are shipped."""
    found = _shipped_rows(REFERENCE_VECTORS, model_id, texts)
    return None if found is None else found[1]["vectors"][found[0]]
