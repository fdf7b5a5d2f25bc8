"""Group-aware training and reporting for the outcome model, without protected features.

Nationality, language and age never enter the model as features; here they may only
weigh the training pairs (reweighing) or split the error for a report, so staff can see
whether the model over- or under-predicts a group and by how much.
"""

import numpy as np
import pandas as pd

from ._outcome import per_group_error

# Age bands of the per-group report (working age is 18–64; older or unknown apart).
AGE_BANDS = ((18, 29, "18-29"), (30, 44, "30-44"), (45, 64, "45-64"))


def age_band(age: pd.Series) -> pd.Series:
    """Each age's band ("18-29", "30-44", "45-64"), else "other"."""
    years = pd.to_numeric(age, errors="coerce")
    band = pd.Series("other", index=age.index, dtype=object)
    for low, high, name in AGE_BANDS:
        band[(years >= low) & (years <= high)] = name
    return band


def first_language(languages: pd.Series) -> pd.Series:
    """The first language of each ``languages`` cell (list, tuple or "a;b"), lower case."""

    def first(cell: object) -> str:
        items = list(cell) if isinstance(cell, list | tuple | np.ndarray) else str(cell).split(";")
        items = [str(i).strip().lower() for i in items if str(i).strip()]
        return items[0] if items else "unknown"

    return languages.map(first)


def report_groups(people: pd.DataFrame) -> pd.DataFrame:
    """The groups the outcome model's error is reported by, a row per row of ``people``:
    nationality, sex, first language and age band ("?", "unknown" or "other" when not
    known). Only ever to split the error, never as features."""
    return pd.DataFrame(
        {
            "nationality": people["nationality"].fillna("?").to_numpy(),
            "sex": people["sex"].fillna("?").to_numpy(),
            "language": first_language(people["languages"]).to_numpy(),
            "age_band": age_band(people["age"]).to_numpy(),
        }
    )


def reweighing_weights(groups: pd.DataFrame, y, balance_groups: bool = True) -> np.ndarray:
    """Training weights that make the outcome independent of the group (Kamiran &
    Calders 2012: each pair weighs P(g) P(y) / P(g, y), g its combination of ``groups``
    columns) and, with ``balance_groups``, give every group the same total weight, so a
    minority whose signals read differently (Creole profiles) is not fitted as an
    afterthought: then a pair weighs P(y) / (G P(g, y)) for G groups. Weights average 1.
    """
    y = pd.Series(np.asarray(y).astype(int), index=groups.index, name="_y")
    key = groups.astype(str).agg("|".join, axis=1)
    p_group = key.map(key.value_counts(normalize=True))
    p_y = y.map(y.value_counts(normalize=True))
    joint = pd.Series(list(zip(key, y, strict=True)), index=groups.index)
    p_joint = joint.map(joint.value_counts(normalize=True))
    share = 1 / key.nunique() if balance_groups else p_group
    weights = (share * p_y / p_joint).to_numpy(float)
    return weights / weights.mean()


def calibration_gaps(p, y, groups: pd.DataFrame, min_n: int = 20) -> pd.DataFrame:
    """:func:`per_group_error` with each group's gap (mean predicted − observed;
    positive is over-prediction); groups with fewer than ``min_n`` pairs left out."""
    out = per_group_error(p, y, groups)
    out = out[out["n"] >= min_n].reset_index(drop=True)
    out["gap"] = out["mean_predicted"] - out["observed"]
    return out[["attribute", "group", "n", "mean_predicted", "observed", "gap", "brier"]]


def per_group_calibrated(
    p_train, y_train, groups_train: pd.Series, p_test, groups_test: pd.Series
) -> np.ndarray:
    """Predictions recalibrated per group (Platt scaling of the logit fitted on each
    group's training predictions); groups unseen in training keep their prediction.

    For reporting side by side only: it reads the group when predicting, which the
    shipped model never does.
    """
    from sklearn.linear_model import LogisticRegression

    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))[:, None]

    p_train, p_test = np.asarray(p_train, float), np.asarray(p_test, float)
    y_train = np.asarray(y_train).astype(int)
    out = p_test.copy()
    train_groups, test_groups = np.asarray(groups_train), np.asarray(groups_test)
    for group in np.unique(test_groups):
        fit_rows, rows = train_groups == group, test_groups == group
        if len(np.unique(y_train[fit_rows])) < 2:
            continue
        platt = LogisticRegression(C=1e3).fit(logit(p_train[fit_rows]), y_train[fit_rows])
        out[rows] = platt.predict_proba(logit(p_test[rows]))[:, 1]
    return out
