"""``arraigo plan`` writes plan.json from a folder of CSVs and shows progress."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from arraigo.api.cli.plan import plan_command
from arraigo.data import generate_scenario


@pytest.fixture(scope="module")
def app():
    cli = typer.Typer()
    cli.command("plan")(plan_command)
    cli.command("noop")(lambda: None)  # a second command keeps "plan" a subcommand
    return cli


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch")
    dataset = generate_scenario(families=30, seed=5)
    dataset.write(path)
    families, cities = dataset.families["family_id"], dataset.destinations["city"]
    rng = np.random.default_rng(1)
    grid = pd.MultiIndex.from_product([families, cities], names=["family_id", "city"])
    scores = grid.to_frame(index=False).assign(score=rng.random(len(grid)).round(4))
    scores.to_csv(path / "scores.csv", index=False)
    return path


def test_plan_writes_the_plan_json_shape(app, folder, tmp_path):
    out = tmp_path / "plan.json"
    args = ["plan", "--data", str(folder), "--scores", str(folder / "scores.csv")]
    result = CliRunner().invoke(app, [*args, "--time-limit", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    assert plan["status"] == "optimal"
    assert {"objective", "bound", "gap", "solve_seconds"} <= set(plan)
    assert {"family_id", "city", "reason", "reason_en"} == set(plan["families"][0])
    assert {"person_id", "vacancy_id"} == set(plan["members"][0])
    assert {"city", "resource", "used", "capacity", "shadow_price"} <= set(plan["usage"][0])
    assert "mejor plan" in result.output
    # Exact-score mode: the objective is the plain sum of the chosen families' scores.
    scores = pd.read_csv(folder / "scores.csv").set_index(["family_id", "city"])["score"]
    chosen = [(f["family_id"], f["city"]) for f in plan["families"] if f["city"]]
    assert plan["objective"] == pytest.approx(sum(scores[k] for k in chosen), abs=1e-6)


def test_same_seed_same_plan(app, folder, tmp_path):
    outs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        args = ["plan", "--data", str(folder), "--seed", "3", "--out", str(out)]
        assert CliRunner().invoke(app, args).exit_code == 0
        outs.append(json.loads(out.read_text())["families"])
    assert outs[0] == outs[1]


def test_bad_score_file_is_reported_not_raised(app, folder, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("family_id,ciudad,score\nF1,Saltillo,0.3\n")
    args = ["plan", "--data", str(folder), "--scores", str(bad), "--out", str(tmp_path / "p")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "faltan las columnas city" in result.output
    assert "Traceback" not in result.output


def test_staff_lock_against_a_full_city_is_reported_as_a_conflict(app, tmp_path):
    dataset = generate_scenario(families=12, seed=8)
    destinations = dataset.destinations.copy()
    destinations.loc[destinations["city"] == "León", "cap_housing_units"] = 0
    type(dataset)(
        people=dataset.people, families=dataset.families,
        destinations=destinations, vacancies=dataset.vacancies,
    ).write(tmp_path)  # fmt: skip
    family = dataset.families["family_id"].iloc[0]
    (tmp_path / "locks.csv").write_text(f"family_id,city\n{family},León\n")
    out = tmp_path / "plan.json"
    args = ["plan", "--data", str(tmp_path), "--locks", str(tmp_path / "locks.csv")]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 1
    assert "León tiene 0 de vivienda" in result.output
    assert f"La familia {family} está fijada por el personal en León" in result.output
    assert json.loads(out.read_text())["status"] == "infeasible"
    assert "Traceback" not in result.output
