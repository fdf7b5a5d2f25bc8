import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_val_score

from arraigo.matching import (
    OUTCOME_FEATURES,
    Matcher,
    OutcomeModel,
    outcome_features,
    outcome_report,
)

from .test_matcher import PEOPLE, VACANCIES


def _history(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Features with a known logistic truth: taxonomy and documents drive success."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "embedding": rng.random(n),
            "taxonomy": rng.choice([0, 0.25, 0.5, 0.8, 1.0], n),
            "lexical": rng.random(n) * 0.5,
            "education_short": rng.integers(0, 2, n),
            "missing_documents": rng.integers(0, 3, n),
            "speaks_spanish": rng.integers(0, 2, n),
            "experience_years": rng.integers(0, 15, n),
            "salary_10k_mxn": rng.normal(1.1, 0.2, n),
        }
    )
    logit = -0.5 + 2.5 * X["taxonomy"] - 1.0 * X["missing_documents"] + 0.6 * X["speaks_spanish"]
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    groups = pd.DataFrame(
        {"nationality": rng.choice(["HTI", "HND", "VEN"], n), "sex": rng.choice(["F", "M"], n)}
    )
    return X, y, groups


def test_probabilities_are_calibrated_on_held_out_pairs():
    X, y, groups = _history(3000)
    model = OutcomeModel().fit(X[:2000], y[:2000])
    report = outcome_report(model, X[2000:], y[2000:], groups[2000:])
    assert report.roc_auc > 0.7
    assert abs(report.calibration["mean_predicted"] - report.calibration["observed"]).max() < 0.12
    assert report.brier < report.base_rate * (1 - report.base_rate)  # beats the base rate


def test_per_group_error_is_reported_for_each_nationality_and_sex():
    X, y, groups = _history(1200, seed=1)
    model = OutcomeModel().fit(X[:800], y[:800])
    per_group = outcome_report(model, X[800:], y[800:], groups[800:]).per_group
    assert set(zip(per_group["attribute"], per_group["group"], strict=True)) == {
        ("nationality", "HTI"),
        ("nationality", "HND"),
        ("nationality", "VEN"),
        ("sex", "F"),
        ("sex", "M"),
    }
    assert per_group.groupby("attribute")["n"].sum().eq(400).all()


def test_protected_attributes_are_refused_as_features():
    X, y, groups = _history(200)
    with pytest.raises(ValueError, match="never features"):
        OutcomeModel().fit(X.assign(nationality=groups["nationality"]), y)


def test_learned_weights_follow_what_drives_outcomes():
    X, y, _ = _history(3000, seed=2)
    weights = OutcomeModel().fit(X, y).relevance_weights()
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["taxonomy"] > weights["embedding"] and weights["taxonomy"] > weights["lexical"]


def test_outcome_model_works_with_scikit_learn_model_selection():
    X, y, _ = _history(600, seed=3)
    scores = cross_val_score(OutcomeModel(cv=3), X, y, cv=3, scoring="roc_auc")
    assert scores.shape == (3,) and (scores > 0.6).all()


def test_outcome_features_come_from_the_matcher_and_the_files(encoder, taxonomy):
    people = PEOPLE.assign(work_experience_years=[6, 10, 3, 12])
    vacancies = VACANCIES.assign(salary_mxn_month=[14000, 11000, 9500, 18000])
    matcher = Matcher(encoder=encoder, taxonomy=taxonomy).fit(vacancies)
    pairs = pd.DataFrame({"person_id": ["ht1", "ht1", "en1"], "vacancy_id": ["V1", "V3", "V4"]})
    X = outcome_features(matcher, people, vacancies, pairs)
    assert tuple(X.columns) == ("person_id", "vacancy_id", *OUTCOME_FEATURES)
    assert X["missing_documents"].tolist() == [1, 0, 0]  # the welder lacks an RFC
    assert X["speaks_spanish"].tolist() == [0, 0, 1]
    assert X["taxonomy"].iloc[0] > X["taxonomy"].iloc[1]
    assert X["salary_10k_mxn"].tolist() == pytest.approx([1.4, 0.95, 1.8])
    assert X["experience_years"].tolist() == [6, 6, 12]
