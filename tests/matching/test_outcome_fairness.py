import numpy as np
import pandas as pd

from arraigo.matching import OUTCOME_FEATURES, OutcomeModel
from arraigo.matching._outcome_fairness import (
    age_band,
    calibration_gaps,
    first_language,
    per_group_calibrated,
    reweighing_weights,
)


def _pairs(n: int = 1500, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Pairs where the minority group "b" has a weaker taxonomy signal for the same
    true fit (as Creole profiles do), so a model without the group under-predicts it."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({name: rng.random(n) for name in OUTCOME_FEATURES})
    group = rng.choice(["a", "b"], n, p=[0.8, 0.2])
    fit = X["taxonomy"].to_numpy()
    X["taxonomy"] = np.where(group == "b", 0.3 * fit, fit)
    logit = -1.5 + 3.0 * fit
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return X, y, pd.DataFrame({"nationality": group})


def test_reweighing_makes_the_outcome_independent_of_the_group_and_balances_groups():
    _, y, groups = _pairs()
    for balance in (False, True):
        weights = reweighing_weights(groups, y, balance_groups=balance)
        assert np.isclose(weights.mean(), 1.0)
        weighted = pd.DataFrame({"g": groups["nationality"], "y": y, "w": weights})
        rate = weighted.groupby("g").apply(lambda t: np.average(t["y"], weights=t["w"]))
        assert abs(rate["a"] - rate["b"]) < 1e-9
        total = weighted.groupby("g")["w"].sum()
        assert np.isclose(total["a"], total["b"]) == balance


def test_outcome_model_takes_sample_weights_and_reweighing_narrows_the_gap():
    X, y, groups = _pairs()
    plain = OutcomeModel(cv=3).fit(X, y)
    weighed = OutcomeModel(cv=3).fit(X, y, sample_weight=reweighing_weights(groups, y))
    gap = {
        name: calibration_gaps(model.predict_proba(X)[:, 1], y, groups).set_index("group")["gap"]
        for name, model in (("plain", plain), ("weighed", weighed))
    }
    assert gap["plain"]["b"] < -0.05  # group b under-predicted without mitigation
    assert abs(gap["weighed"]["b"]) < abs(gap["plain"]["b"])


def test_per_group_recalibration_closes_each_groups_gap():
    X, y, groups = _pairs()
    p = OutcomeModel(cv=3).fit(X, y).predict_proba(X)[:, 1]
    fixed = per_group_calibrated(p, y, groups["nationality"], p, groups["nationality"])
    gaps = calibration_gaps(fixed, y, groups)
    assert gaps["gap"].abs().max() < 0.02


def test_age_bands_and_first_languages_for_the_report():
    bands = age_band(pd.Series([17, 18, 29, 30, 44, 45, 64, 65, None]))
    assert bands.tolist() == [
        "other",
        "18-29",
        "18-29",
        "30-44",
        "30-44",
        "45-64",
        "45-64",
        "other",
        "other",
    ]
    langs = first_language(pd.Series([("ht", "fr", "es"), ["es"], "fr;es", "", None]))
    assert langs.tolist() == ["ht", "es", "fr", "unknown", "none"]
