"""Outcome model: P(hired and still employed at 90 days) for a person–vacancy pair.

A calibrated scikit-learn classifier over match features (the matcher's signals, the
facts behind eligibility, experience and pay), trained on recorded placements. Its
probabilities are what the optimizer maximises. Nationality, sex, age and health are
never features: they may only be used to report the model's error per group.
"""

import inspect
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._matcher import DEFAULT_WEIGHTS, Matcher
from ._text import column

OUTCOME_FEATURES = (
    "embedding",
    "taxonomy",
    "lexical",
    "education_short",
    "missing_documents",
    "speaks_spanish",
    "experience_years",
    "salary_10k_mxn",
)
# Columns that must never reach the model, directly: protected or proxy attributes.
FORBIDDEN_FEATURES = frozenset({"nationality", "sex", "age", "health_needs", "full_name", "phone"})


def outcome_features(
    matcher: Matcher, people: pd.DataFrame, vacancies: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    """Features of ``pairs`` (person_id, vacancy_id) for the outcome model.

    ``matcher`` is fitted on vacancies that include every pair's vacancy.
    """
    scored = matcher.score_pairs(people, pairs)
    experience = pd.to_numeric(column(people, "work_experience_years", np.nan), errors="coerce")
    experience = pd.Series(experience.to_numpy(), index=column(people, "person_id").astype(str))
    salary = pd.to_numeric(column(vacancies, "salary_mxn_month", np.nan), errors="coerce")
    salary = pd.Series(salary.to_numpy(), index=column(vacancies, "vacancy_id").astype(str))
    known_salary = salary.median() if salary.notna().any() else 10_000.0
    scored["experience_years"] = (
        experience.reindex(scored["person_id"].astype(str)).fillna(0).clip(0, 30).to_numpy()
    )
    scored["salary_10k_mxn"] = (
        salary.reindex(scored["vacancy_id"].astype(str)).fillna(known_salary).to_numpy() / 10_000
    )
    return scored[["person_id", "vacancy_id", *OUTCOME_FEATURES]]


class OutcomeModel(ClassifierMixin, BaseEstimator):
    """Calibrated classifier of P(hired and employed at 90 days) (scikit-learn estimator).

    ``estimator`` is the base classifier (default: standardised logistic regression),
    calibrated by ``CalibratedClassifierCV(method=method, cv=cv)``. ``fit`` takes a
    frame with the columns of :data:`OUTCOME_FEATURES` and refuses protected ones.
    """

    # The public path, the one skops writes in stored models: private modules may move.
    __module__ = "arraigo.matching"

    def __init__(self, estimator=None, method: str = "sigmoid", cv: int = 5) -> None:
        self.estimator = estimator
        self.method = method
        self.cv = cv

    def _features(self, X: pd.DataFrame) -> pd.DataFrame:
        forbidden = FORBIDDEN_FEATURES & set(X.columns)
        if forbidden:
            raise ValueError(f"protected attributes are never features: {sorted(forbidden)}")
        return X.loc[:, list(OUTCOME_FEATURES)].astype(float)

    def fit(self, X: pd.DataFrame, y, sample_weight=None) -> "OutcomeModel":
        """Fit on ``X`` and outcomes ``y``; ``sample_weight`` (optional, one per row)
        weighs the pairs, e.g. :func:`reweighing_weights` to balance groups."""
        base = self.estimator or make_pipeline(StandardScaler(), LogisticRegression(C=1.0))
        self.model_ = CalibratedClassifierCV(clone(base), method=self.method, cv=self.cv)
        with warnings.catch_warnings():
            # Routed to the pipeline's steps below, which the calibration cannot see.
            warnings.filterwarnings("ignore", message="Since Pipeline does not appear")
            self.model_.fit(
                self._features(X),
                np.asarray(y).astype(int),
                sample_weight=sample_weight,
                **_weight_params(base, sample_weight),
            )
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(self._features(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def relevance_weights(self) -> dict[str, float]:
        """Matcher weights learned from outcomes: the logistic coefficients of the three
        relevance signals per unit of signal, averaged over the calibration folds, kept
        non-negative and normalised to sum to 1 (defaults if none is positive)."""
        names = list(OUTCOME_FEATURES)
        per_fold = []
        for calibrated in self.model_.calibrated_classifiers_:
            scaler, logistic = calibrated.estimator[0], calibrated.estimator[-1]
            per_fold.append(logistic.coef_[0] / scaler.scale_)
        coefficients = dict(zip(names, np.mean(per_fold, axis=0), strict=True))
        weights = {s: max(float(coefficients[s]), 0.0) for s in DEFAULT_WEIGHTS}
        total = sum(weights.values())
        return {s: w / total for s, w in weights.items()} if total > 0 else dict(DEFAULT_WEIGHTS)


def _weight_params(estimator, sample_weight) -> dict[str, object]:
    """``sample_weight`` routed to every step of a pipeline that takes it (the
    calibration's own ``sample_weight`` reaches only the calibrator for a pipeline)."""
    steps = getattr(estimator, "steps", None)
    if sample_weight is None or steps is None:
        return {}
    return {
        f"{name}__sample_weight": sample_weight
        for name, step in steps
        if "sample_weight" in inspect.signature(step.fit).parameters
    }


@dataclass(frozen=True)
class OutcomeReport:
    """How good and how fair the outcome model's probabilities are on held-out pairs."""

    n: int
    base_rate: float
    brier: float
    log_loss: float
    roc_auc: float
    calibration: pd.DataFrame  # bin, mean_predicted, observed, n
    per_group: pd.DataFrame  # attribute, group, n, mean_predicted, observed, brier


def outcome_report(
    model: OutcomeModel, X: pd.DataFrame, y, groups: pd.DataFrame, bins: int = 10
) -> OutcomeReport:
    """Calibration and per-group error of ``model`` on ``(X, y)``.

    ``groups`` (same rows, e.g. nationality and sex) is used only to split the error.
    """
    y = np.asarray(y).astype(int)
    p = model.predict_proba(X)[:, 1]
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="quantile")
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    counts = np.bincount(np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2))
    calibration = pd.DataFrame(
        {
            "mean_predicted": predicted,
            "observed": observed,
            "n": counts[counts > 0][: len(predicted)],
        }
    )
    per_group = per_group_error(p, y, groups)
    return OutcomeReport(
        n=len(y),
        base_rate=float(y.mean()),
        brier=float(brier_score_loss(y, p)),
        log_loss=float(log_loss(y, p, labels=[0, 1])),
        roc_auc=float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan"),
        calibration=calibration,
        per_group=per_group,
    )


def per_group_error(p, y, groups: pd.DataFrame) -> pd.DataFrame:
    """Per group of each ``groups`` column: n, mean predicted, observed rate and Brier
    score of predictions ``p`` against outcomes ``y`` (same rows as ``groups``)."""
    p, y = np.asarray(p, float), np.asarray(y).astype(int)
    frame = groups.reset_index(drop=True).assign(_y=y, _p=p, _se=(p - y) ** 2)
    return pd.concat(
        [
            frame.groupby(attribute)
            .agg(
                n=("_y", "size"),
                mean_predicted=("_p", "mean"),
                observed=("_y", "mean"),
                brier=("_se", "mean"),
            )
            .reset_index()
            .rename(columns={attribute: "group"})
            .assign(attribute=attribute)
            for attribute in groups.columns
        ],
        ignore_index=True,
    )[["attribute", "group", "n", "mean_predicted", "observed", "brier"]]
