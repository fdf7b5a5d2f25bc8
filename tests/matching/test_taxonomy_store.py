"""The taxonomy index kept on disk: read back as fitted, rebuilt when its key changes,
never unpickled; and each text's best occupation remembered by text."""

import numpy as np
import pandas as pd
import pytest

from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    Matcher,
    TaxonomyNormaliser,
    esco_labels,
    fit_cached,
)

from .conftest import TEST_EMBED_KINDS

TEXTS = ["soldador de estructuras", "soudeur", "cuisinière", "albañil", "chofer de tráiler"]


@pytest.fixture(scope="module")
def labels(occupations):
    return esco_labels(occupations)


@pytest.fixture(scope="module")
def encoder(encoder, tmp_path_factory):
    # Labels encoded once for the module: these tests are about the index, not the model.
    return CachedEncoder(encoder, EmbeddingCache(tmp_path_factory.mktemp("vectors")))


def _normaliser(encoder) -> TaxonomyNormaliser:
    return TaxonomyNormaliser(encoder=encoder, embed_kinds=TEST_EMBED_KINDS)


def test_a_stored_index_is_read_back_with_the_same_scores_and_no_label_encoded(
    encoder, labels, tmp_path
):
    first = fit_cached(_normaliser(encoder), labels, tmp_path)
    counting = CachedEncoder(encoder.encoder, EmbeddingCache(tmp_path / "elsewhere"))
    again = fit_cached(_normaliser(counting), labels, tmp_path)
    assert counting.n_encoded == 0  # the labels' vectors came with the index
    np.testing.assert_allclose(again.scores(TEXTS), first.scores(TEXTS), atol=1e-6)
    read, fitted = again.kneighbors_groups(TEXTS, 3), first.kneighbors_groups(TEXTS, 3)
    for ours, theirs in zip(read, fitted, strict=True):  # the unit groups' labels kept too
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert again.occupations_.equals(first.occupations_)
    assert again.index_key_ == first.index_key_
    for ours, theirs in zip(again.learned_groups(TEXTS), first.learned_groups(TEXTS), strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)  # the learned unit groups too


def test_the_index_holds_only_arrays_and_json_never_a_pickle(encoder, labels, tmp_path):
    fit_cached(_normaliser(encoder), labels, tmp_path)
    (folder,) = (tmp_path / "taxonomy").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["index.npz", "manifest.json"]
    with np.load(folder / "index.npz", allow_pickle=False) as stored:
        assert all(stored[name].dtype != object for name in stored.files)


def test_other_parameters_or_labels_give_a_new_index(encoder, labels, tmp_path):
    fit_cached(_normaliser(encoder), labels, tmp_path)
    fit_cached(TaxonomyNormaliser(encoder=None), labels, tmp_path)
    fewer = fit_cached(_normaliser(encoder), labels.iloc[:-10], tmp_path)
    assert len(list((tmp_path / "taxonomy").iterdir())) == 3
    assert fewer.label_matrix_.shape[1] == len(labels) - 10


def test_other_labelled_profiles_give_a_new_index(encoder, labels, tmp_path, monkeypatch):
    from arraigo.matching import _taxonomy_store

    first = fit_cached(_normaliser(encoder), labels, tmp_path)
    shipped = _taxonomy_store.reference_path
    more = tmp_path / "labelled_profiles.csv"
    more.write_bytes(shipped("labelled_profiles.csv").read_bytes() + b"dev,es,9412,first,x\n")
    monkeypatch.setattr(
        _taxonomy_store,
        "reference_path",
        lambda name: more if name == "labelled_profiles.csv" else shipped(name),
    )
    assert fit_cached(_normaliser(encoder), labels, tmp_path).index_key_ != first.index_key_


def test_a_damaged_index_is_rebuilt(encoder, labels, tmp_path):
    first = fit_cached(_normaliser(encoder), labels, tmp_path)
    (folder,) = (tmp_path / "taxonomy").iterdir()
    (folder / "index.npz").write_bytes(b"not an index")
    again = fit_cached(_normaliser(encoder), labels, tmp_path)
    np.testing.assert_allclose(again.scores(TEXTS), first.scores(TEXTS), atol=1e-6)


def test_a_posting_title_is_normalised_once_then_read_from_the_cache(
    encoder, labels, tmp_path, monkeypatch
):
    cached = CachedEncoder(encoder.encoder, EmbeddingCache(tmp_path))
    taxonomy = fit_cached(_normaliser(encoder), labels, tmp_path)
    vacancies = {"vacancy_id": ["V1", "V2"], "title": ["Soldador MIG", "Cocinero"]}
    first = Matcher(encoder=cached, taxonomy=taxonomy).fit(pd.DataFrame(vacancies))

    def refuse(*args, **kwargs):
        raise AssertionError("normalised again")

    monkeypatch.setattr(taxonomy, "kneighbors", refuse)
    fresh = CachedEncoder(encoder.encoder, EmbeddingCache(tmp_path))  # a new process
    again = Matcher(encoder=fresh, taxonomy=taxonomy).fit(pd.DataFrame(vacancies))
    np.testing.assert_array_equal(again.vacancy_esco_, first.vacancy_esco_)
    np.testing.assert_array_equal(again.vacancy_isco_, [7212, 5120])


def test_an_index_keyed_by_its_source_is_read_without_building_the_labels(
    encoder, labels, tmp_path
):
    def never():
        raise AssertionError("labels built although the index was stored")

    first = fit_cached(_normaliser(encoder), lambda: labels, tmp_path, source=b"esco v1")
    again = fit_cached(_normaliser(encoder), never, tmp_path, source=b"esco v1")
    np.testing.assert_allclose(again.scores(TEXTS), first.scores(TEXTS), atol=1e-6)
    with pytest.raises(AssertionError, match="labels built"):
        fit_cached(_normaliser(encoder), never, tmp_path, source=b"esco v2")
