"""Plan jobs are queued (one solver per core) and their solvers die with the service."""

import os
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest

from arraigo.api.services.jobs import SOLVER_SLOTS
from arraigo.data import generate_scenario

from .test_service_faults import Server, add_admin, token
from .test_service_plans import wait


def statuses(staff, ids: list[int]) -> list[str]:
    return [staff.get(f"/api/v1/plans/{i}").json()["status"] for i in ids]


def test_more_plans_than_cores_wait_queued_for_a_solver(loaded, held):
    staff = loaded
    ids = [
        staff.post("/api/v1/plans", json={"time_limit": 5}).json()["id"]
        for _ in range(SOLVER_SLOTS + 1)
    ]
    deadline = time.monotonic() + 60
    while statuses(staff, ids).count("running") < SOLVER_SLOTS:
        assert time.monotonic() < deadline, statuses(staff, ids)
        time.sleep(0.2)
    time.sleep(1.0)  # the last stays queued while every slot is busy
    assert sorted(statuses(staff, ids)) == ["queued"] + ["running"] * SOLVER_SLOTS
    held.unlink()
    assert {wait(staff, i, seconds=120)["status"] for i in ids} == {"draft"}


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), command)
    return found


def solvers_of(root: int) -> list[int]:
    """Solver processes (multiprocessing spawn children) under the process ``root``."""
    processes = _processes()

    def under(pid: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = processes.get(pid, (0, ""))[0]
        return False

    return [p for p, (_, cmd) in processes.items() if "spawn_main" in cmd and under(p)]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_a_solver_dies_when_the_service_process_that_started_it_is_killed(tmp_path, database_url):
    batch = generate_scenario(families=150, seed=3, vacancies=0).write(tmp_path / "batch")
    add_admin(database_url, tmp_path)
    server = Server(database_url, tmp_path)
    try:
        headers = token(server)
        files = [("files", (p.name, p.read_bytes())) for p in batch]
        loaded = httpx.post(f"{server.url}/api/v1/imports", files=files, headers=headers)
        assert loaded.status_code == 200, loaded.text[:300]
        plan = httpx.post(f"{server.url}/api/v1/plans", json={"time_limit": 120}, headers=headers)
        deadline = time.monotonic() + 60
        while not (solvers := solvers_of(server.process.pid)):
            assert time.monotonic() < deadline, "no solver started"
            time.sleep(0.2)
        solver = solvers[0]
        parent = _processes()[solver][0]
        os.kill(parent, signal.SIGKILL)  # the worker that watches the plan, as a crash
        deadline = time.monotonic() + 10
        while alive(solver):
            assert time.monotonic() < deadline, "the solver outlived its service process"
            time.sleep(0.2)
        assert plan.status_code == 202
    finally:
        server.kill()
