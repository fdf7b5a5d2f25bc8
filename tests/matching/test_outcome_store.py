"""Stored outcome models: written under the public class path, read back with trusted
types only, and models stored under the old private path still load."""

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator

from arraigo.matching import OutcomeModel, dumps_outcome_model, loads_outcome_model

from .test_outcome import _history


@pytest.fixture(scope="module")
def fitted() -> tuple[OutcomeModel, pd.DataFrame]:
    X, y, _ = _history(300, seed=4)
    model = OutcomeModel(cv=3).fit(X, y)
    return model, X


def test_a_stored_model_names_its_class_by_the_public_path(fitted):
    model, _ = fitted
    data = dumps_outcome_model(model)
    assert "arraigo.matching.OutcomeModel" in sio.get_untrusted_types(data=data)
    assert not any("_outcome" in name for name in sio.get_untrusted_types(data=data))


def test_a_stored_model_loads_back_and_predicts_the_same(fitted):
    model, X = fitted
    loaded = loads_outcome_model(dumps_outcome_model(model))
    assert type(loaded) is OutcomeModel
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_model_stored_under_the_old_private_path_still_loads(fitted, monkeypatch):
    model, X = fitted
    with monkeypatch.context() as old_version:
        old_version.setattr(OutcomeModel, "__module__", "arraigo.matching._outcome")
        data = sio.dumps(model)
    assert "arraigo.matching._outcome.OutcomeModel" in sio.get_untrusted_types(data=data)
    loaded = loads_outcome_model(data)
    assert type(loaded) is OutcomeModel
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


class Intruder(BaseEstimator):
    """A type no stored outcome model holds."""


def test_a_stored_model_holding_an_unknown_type_is_refused():
    with pytest.raises(TypeError, match="Intruder"):
        loads_outcome_model(dumps_outcome_model(OutcomeModel(estimator=Intruder())))


def test_something_else_than_an_outcome_model_is_refused():
    with pytest.raises(TypeError, match="not an outcome model"):
        loads_outcome_model(sio.dumps(np.zeros(3)))
