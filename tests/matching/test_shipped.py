"""The default model's ESCO label vectors shipped in the package: a fresh machine encodes
no label, and the shipped vectors stand for the model's own."""

import numpy as np

from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    TaxonomyNormaliser,
    esco_labels,
    load_esco_occupations,
)
from arraigo.matching._learned import (
    fit_learned_groups,
    learned_key,
    shipped_learned_groups,
    training_set,
)
from arraigo.matching._shipped import shipped_label_vectors, shipped_reference_vectors
from arraigo.matching._skills import reference_labels
from arraigo.matching._taxonomy import isco_int

from .conftest import TEST_EMBED_KINDS


def test_a_fresh_machine_fits_the_taxonomy_without_encoding_a_label(encoder, occupations, tmp_path):
    counting = CachedEncoder(encoder, EmbeddingCache(tmp_path))
    TaxonomyNormaliser(encoder=counting, embed_kinds=TEST_EMBED_KINDS).fit(esco_labels(occupations))
    assert counting.n_encoded == 0


def test_shipped_vectors_are_the_models_own_and_only_for_that_model(encoder):
    labels = ["soldador", "soudeuse", "cocinero", "maçon"]
    shipped = shipped_label_vectors(encoder.model_id, labels)
    cosines = np.einsum("ij,ij->i", shipped, encoder.encode(labels))
    assert cosines.min() > 0.999
    assert shipped_label_vectors("another/model", labels) is None
    assert shipped_label_vectors(encoder.model_id, [*labels, "not an ESCO label"]) is None


def test_the_reasons_reference_labels_are_shipped_as_the_model_gives_them(encoder):
    labels = reference_labels()
    shipped = shipped_reference_vectors(encoder.model_id, labels)
    np.testing.assert_array_equal(shipped, encoder.encode(labels))
    assert shipped_reference_vectors("another/model", labels) is None
    assert shipped_reference_vectors(encoder.model_id, [*labels, "not a reference label"]) is None


def test_the_learned_unit_groups_ship_as_a_fresh_fit_would_make_them(encoder, tmp_path):
    groups = isco_int(load_esco_occupations()["isco"])  # the default taxonomy's
    texts, isco = training_set(groups)
    shipped = shipped_learned_groups(learned_key(encoder.model_id, texts, isco))
    assert shipped is not None  # else rebuild: python -m arraigo.matching._build_shipped
    counting = CachedEncoder(encoder, EmbeddingCache(tmp_path))
    fitted = fit_learned_groups(counting, groups, shipped=False)
    assert counting.n_encoded == 0  # the labelled profiles' vectors ship too
    for ours, theirs in zip(shipped, fitted, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
