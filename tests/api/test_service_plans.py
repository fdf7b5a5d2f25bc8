"""Plan jobs through the service: run, watch, review, approve; and what happens when a
job is cancelled, killed or the service restarts."""

import datetime as dt
import multiprocessing
import queue
import re
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from arraigo.api.app import create_app
from arraigo.api.db import PlanJob
from arraigo.api.services.jobs import this_process
from arraigo.api.services.pricing import weeks_to_renewal
from arraigo.api.services.store import current_frame
from arraigo.data import generate_scenario

from .conftest import PASSWORD, Client, settings_for, upload, wait


@pytest.fixture
def scenario_files(tmp_path):
    """A synthetic batch without vacancies (plans on preferences only: quick)."""
    dataset = generate_scenario(families=60, seed=5, vacancies=0)
    return dataset.write(tmp_path / "batch")


def test_a_plan_runs_in_the_background_and_keeps_every_capacity(as_role, scenario_files):
    staff = as_role("relocation_staff")
    assert upload(staff, *scenario_files).status_code == 200
    started = staff.post("/api/v1/plans", json={"time_limit": 10, "seed": 1})
    assert started.status_code == 202
    plan = wait(staff, started.json()["id"])
    assert plan["status"] == "draft", plan["error"]
    result = plan["result"]
    assert result["status"] in ("optimal", "feasible")
    placed = [f for f in result["families"] if f["city"]]
    assert placed and all(f["reason"] for f in result["families"])
    # The solver's course stays with the job: [seconds, best plan, bound] for the chart.
    course = plan["progress"]["history"]
    assert course and course[-1][2] is not None
    assert [point[0] for point in course] == sorted(point[0] for point in course)
    # Each family's runner-up is another city, named for staff beside the reason.
    runners = [f for f in placed if f["runner_up"]]
    assert runners and all(f["runner_up"] != f["city"] for f in runners)
    for row in result["usage"]:
        if row["capacity"] is not None:
            assert row["used"] <= row["capacity"] + 1e-9


def test_a_plan_with_vacancies_uses_matching_scores(loaded):
    plan = wait(loaded, loaded.post("/api/v1/plans", json={"time_limit": 5}).json()["id"])
    assert plan["status"] == "draft", plan["error"]
    assert plan["result"]["score_source"].startswith("matching score")
    assert any(m["vacancy_id"] for m in plan["result"]["members"])


def test_lock_veto_reoptimise_then_approve_creates_placements(loaded):
    first = wait(loaded, loaded.post("/api/v1/plans", json={"time_limit": 5}).json()["id"])
    city = {f["family_id"]: f["city"] for f in first["result"]["families"]}
    vetoed = city["F3"]
    assert vetoed is not None
    decision = {"family_id": "F3", "action": "veto", "city": vetoed, "reason": "Sin red de apoyo."}
    assert loaded.post(f"/api/v1/plans/{first['id']}/decisions", json=decision).status_code == 201
    # Decisions not yet applied: approval waits for re-optimisation.
    assert loaded.post(f"/api/v1/plans/{first['id']}/approve").status_code == 409
    again = loaded.post(f"/api/v1/plans/{first['id']}/reoptimize").json()
    second = wait(loaded, again["id"])
    assert second["parent_id"] == first["id"]
    assert {f["family_id"]: f["city"] for f in second["result"]["families"]}["F3"] != vetoed
    approval = loaded.post(f"/api/v1/plans/{second['id']}/approve")
    assert approval.status_code == 200
    placed_families = {f["family_id"] for f in second["result"]["families"] if f["city"]}
    placements = loaded.get("/api/v1/placements").json()
    assert {p["family_id"] for p in placements} == placed_families
    assert all(p["status"] == "proposed" for p in placements)
    # An approved plan is final; placing the same families twice is refused.
    assert loaded.post(f"/api/v1/plans/{second['id']}/approve").status_code == 409


def running_plan(staff) -> int:
    """A plan whose solver process has started (and waits: see the ``held`` fixture)."""
    plan_id = staff.post("/api/v1/plans", json={"time_limit": 120}).json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        plan = staff.get(f"/api/v1/plans/{plan_id}").json()
        if plan["status"] == "running" and plan["progress"].get("held"):
            return plan_id
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} did not start: {plan}")


def test_a_queued_plan_says_its_place_in_the_queue_and_its_bar_is_not_full(app, loaded):
    busy = threading.BoundedSemaphore(1)
    busy.acquire()  # the one solver slot is taken: every plan waits in the queue
    app.state.runner.slots = busy
    first, second = (
        loaded.post("/api/v1/plans", json={"time_limit": 60}).json()["id"] for _ in "ab"
    )
    plan = loaded.get(f"/api/v1/plans/{second}").json()
    assert (plan["status"], plan["queue_position"]) == ("queued", 2)
    assert loaded.get(f"/api/v1/plans/{first}").json()["queue_position"] == 1
    browser = TestClient(app, headers={"Origin": "http://testserver"})
    browser.post("/sign-in", data={"username": "relocation_staff", "password": PASSWORD})
    page = browser.get(f"/plans/{second}").text
    assert "posición 2" in page
    bar = re.search(r"<progress id=\"progress-bar\"[^>]*>", page).group(0)
    assert "value=" not in bar, "a queued plan's bar shows no progress at all"
    for plan_id in (first, second):
        assert loaded.post(f"/api/v1/plans/{plan_id}/cancel").status_code == 200
    assert wait(loaded, second, until=("cancelled",), seconds=30)["status"] == "cancelled"


def test_a_cancelled_plan_stops_and_leaves_no_result(loaded, held):
    staff = loaded
    plan_id = running_plan(staff)
    assert staff.post(f"/api/v1/plans/{plan_id}/cancel").status_code == 200
    plan = wait(staff, plan_id, until=("cancelled", "draft", "failed"), seconds=30)
    assert plan["status"] == "cancelled"
    assert plan["result"] is None


def _send_plan(messages, go) -> None:
    """A solver that sends its plan when told, and exits."""
    go.wait()
    messages.put(("done", {"families": [], "solved": "in a child"}))


class _PlanArrivesAsTheWaitEnds:
    """A solver's context whose first wait for a message times out at the worst moment:
    the solver sends its plan and exits just as the wait gives up."""

    def __init__(self) -> None:
        self.fork = multiprocessing.get_context("fork")
        self.go = self.fork.Event()
        self.queue = self.fork.Queue()
        self.solver = None

    def Queue(self):  # a multiprocessing context's names
        return self

    def Process(self, target, args, daemon):
        self.solver = self.fork.Process(target=_send_plan, args=(self.queue, self.go), daemon=True)
        return self.solver

    def get(self, timeout):
        if not self.go.is_set():
            self.go.set()
            self.solver.join()
            raise queue.Empty
        return self.queue.get(timeout=timeout)


def test_a_plan_sent_as_its_solver_exits_is_kept(app):
    """A CI run failed a week's plan with 'the solver stopped without a plan (exit code
    0)': the plan had arrived while the watcher's wait timed out, and the watcher then
    saw a dead solver and gave up without reading it."""
    with app.state.sessions() as session:
        job = PlanJob(created_by="relocation_staff", status="queued", params={})
        session.add(job)
        session.commit()
        job_id = job.id
    runner = app.state.runner
    runner.context = _PlanArrivesAsTheWaitEnds()
    runner._run(job_id)
    with app.state.sessions() as session:
        job = session.get(PlanJob, job_id)
        assert (job.status, job.error) == ("draft", None)
        assert job.result == {"families": [], "solved": "in a child"}


def test_a_solver_that_dies_mid_solve_leaves_a_failed_job_and_no_plan(app, loaded, held):
    staff = loaded
    plan_id = running_plan(staff)
    app.state.runner.kill(plan_id)
    plan = wait(staff, plan_id, until=("failed", "draft"), seconds=30)
    assert plan["status"] == "failed"
    assert "sin plan" in plan["error"]
    assert plan["result"] is None
    assert staff.get("/api/v1/placements").json() == []


def test_a_restart_marks_unfinished_jobs_failed_visibly(app, database_url, as_role):
    with app.state.sessions() as session:
        session.add(PlanJob(created_by="relocation_staff", status="running", params={}))
        session.commit()
    restarted = create_app(settings_for(database_url))
    with restarted.state.sessions() as session:
        job = session.query(PlanJob).one()
        assert job.status == "failed"
        assert "reinició" in job.error
    restarted.state.engine.dispose()
    plans = as_role("relocation_staff").get("/api/v1/plans").json()
    assert plans[0]["status"] == "failed"


def test_a_plan_started_in_one_worker_is_cancelled_through_another(database_url, loaded, held):
    staff = loaded
    plan_id = running_plan(staff)
    # A second worker process of the same service starts: the running job is not its
    # to fail, and a cancellation asked through it reaches the solver of the first.
    sibling = create_app(settings_for(database_url))
    try:
        with Client(sibling) as other:
            other.sign_in("relocation_staff")
            assert other.get(f"/api/v1/plans/{plan_id}").json()["status"] == "running"
            assert other.post(f"/api/v1/plans/{plan_id}/cancel").status_code == 200
        plan = wait(staff, plan_id, until=("cancelled", "draft", "failed"), seconds=30)
    finally:
        sibling.state.runner.shutdown()
        sibling.state.engine.dispose()
    assert plan["status"] == "cancelled"
    assert plan["result"] is None


def test_a_start_fails_the_jobs_of_stopped_processes_only(app, database_url):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    host, pid, started = this_process().rsplit(":", 2)
    owners = {
        "alive": this_process(),
        "stopped": f"{host}:{gone}:{started}",
        "pid reused": f"{host}:{pid}:{int(started or 0) + 1}",
        "never taken": None,
    }
    with app.state.sessions() as session:
        for name, owner in owners.items():
            session.add(PlanJob(created_by=name, status="running", params={}, owner=owner))
        session.commit()
    restarted = create_app(settings_for(database_url))
    with restarted.state.sessions() as session:
        status = {job.created_by: job.status for job in session.query(PlanJob)}
    restarted.state.engine.dispose()
    assert status == {
        "alive": "running",
        "stopped": "failed",
        "pid reused": "failed",
        "never taken": "failed",
    }


def test_weekly_plans_reserve_capacity_until_the_cities_declare_new_numbers(
    app, loaded, good_files, tmp_path
):
    def pricing(body):
        started = loaded.post("/api/v1/plans", json={"time_limit": 5, **body})
        plan = wait(loaded, started.json()["id"])
        assert plan["status"] == "draft", plan["error"]
        assert {f["family_id"] for f in plan["result"]["families"]} == {"F1", "F2", "F3", "F4"}
        return plan["result"]["pricing"]  # the stand-ins for later arrivals are never planned

    # With no declared_until: the declaration period (4 weeks) from the day destinations
    # were imported (today), so three weeks of arrivals after this one.
    today = dt.date.today()
    with app.state.sessions() as session:
        destinations = current_frame(session, "destinations")
        assert weeks_to_renewal(session, destinations, today, 4.0) == (
            3.0,
            today + dt.timedelta(days=27),
        )

    def declared_until(day: str) -> None:
        destinations = pd.read_csv(next(p for p in good_files if p.stem == "destinations"))
        path = tmp_path / day / "destinations.csv"
        path.parent.mkdir()
        destinations.assign(declared_until=day).to_csv(path, index=False)
        assert upload(loaded, path).status_code == 200

    # Numbers that hold four weeks from the plan's week: three weeks of arrivals at the
    # rate the four stored families registered (4 over 50 days), two families, priced.
    declared_until("2026-11-29")
    priced = pricing({"as_of": "2026-11-02"})  # dynamic is the default
    assert priced["requested"]
    assert (priced["method"], priced["horizon_weeks"], priced["forecast_families"]) == (
        "dynamic", 3, 2
    )  # fmt: skip
    assert priced["prices"] and all(p["price"] > 0 for p in priced["prices"])
    # Staff may switch it off for a plan.
    assert pricing({"as_of": "2026-11-02", "dynamic": False})["method"] == "myopic"
    # In the last week before new numbers nothing is worth keeping: the week alone.
    declared_until("2026-11-08")
    last = pricing({"as_of": "2026-11-02"})
    assert (last["method"], last["horizon_weeks"], last["prices"]) == ("myopic", 0, [])
