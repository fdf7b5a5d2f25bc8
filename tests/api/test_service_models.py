"""Outcome model versions through the service: trained on recorded outcomes, reported
honestly, and used by the next plan."""

import pytest

from arraigo.data import generate_history

from .conftest import upload, wait


@pytest.fixture
def history(tmp_path):
    """A past cohort with simulated outcomes (ids start with H)."""
    return generate_history(families=150, seed=1).write(tmp_path / "history")


def test_retraining_needs_outcomes(loaded):
    response = loaded.post("/api/v1/models/retrain")
    assert response.status_code == 409
    assert "al menos" in response.json()["detail"]


def test_a_retrained_model_reports_quality_and_drives_the_next_plan(as_role, history):
    staff = as_role("relocation_staff")
    assert upload(staff, *history).status_code == 200
    trained = staff.post("/api/v1/models/retrain")
    assert trained.status_code == 201, trained.text
    model = trained.json()
    assert model["version"] == 1 and model["active"]
    metrics = model["metrics"]
    assert metrics["pairs"] > 100
    assert 0 < metrics["brier"] < 0.25
    assert {g["attribute"] for g in metrics["per_group"]} == {
        "nationality",
        "sex",
        "language",
        "age_band",
    }
    assert abs(sum(metrics["weights"].values()) - 1) < 1e-9
    # A second version replaces the first as the active one.
    assert staff.post("/api/v1/models/retrain").json()["version"] == 2
    versions = staff.get("/api/v1/models").json()
    assert [(v["version"], v["active"]) for v in versions] == [(2, True), (1, False)]
    started = staff.post(
        "/api/v1/plans", json={"time_limit": 5, "families": ["HF00001", "HF00002", "HF00003"]}
    )
    plan = wait(staff, started.json()["id"])
    assert plan["status"] == "draft", plan["error"]
    assert plan["result"]["score_source"].startswith("outcome model v2")
