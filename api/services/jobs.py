"""Plan jobs: each solve runs in a child process watched by a thread of the service.

The child reads the batch from the database, solves and sends back progress and the
finished plan; only the service writes to the database, in one transaction when the
plan is done. So a job that is cancelled, killed or dies leaves no half-written plan,
and a job that was running when the service stopped is marked failed on restart.

A service may run several worker processes on one database. Each job names the
process that watches it (``owner``); a cancellation is written to the job, and its
watcher, in whichever process, stops the solver. A process starting marks failed only
the unfinished jobs whose watcher is gone, not those of its running siblings.
"""

import multiprocessing as mp
import os
import queue
import socket
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..db import PlanJob, make_engine, now, session_factory, transaction
from ..vocab import UNFINISHED, PlanStatus
from .planning import plan_job

# Seconds between checks on a child that sends nothing (a long LP, a slow start).
POLL = 0.5
# Solvers each service process runs at once: one per core; more plans wait, queued.
SOLVER_SLOTS = max(1, os.cpu_count() or 1)
# Points of the solver's course kept in a job's progress (best plan and bound over time).
HISTORY = 120
INTERRUPTED = (
    "Interrumpido: el servicio se reinició durante el cálculo / "
    "Interrupted: the service restarted during the solve."
)


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks after boot, from /proc): tells a live
    process from a later one that reuses its pid. None: no such process; "" where
    there is no /proc to read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ""
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def this_process() -> str:
    """``host:pid:start`` of this process: the owner written on the jobs it watches."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that owns a job still runs. A process on another host is
    taken as alive: only its own restart can tell."""
    if not owner:
        return False
    host, pid, started = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return True
    return pid.isdigit() and _started(int(pid)) == started


def recover(sessions: sessionmaker[Session]) -> int:
    """Mark jobs left queued or running by a stopped service process as failed (not
    those a running sibling worker watches); returns how many."""
    with transaction(sessions) as session:
        jobs = session.scalars(select(PlanJob).where(PlanJob.status.in_(UNFINISHED)))
        count = 0
        for job in jobs:
            if owner_alive(job.owner):
                continue
            job.status, job.error, job.finished_at = PlanStatus.failed, INTERRUPTED, now()
            count += 1
    return count


def _die_with_parent() -> None:
    """In a solver: exit as soon as its parent is gone (the service process, or the fork
    server that exits with it: killed, out of memory), so no orphan keeps its memory and
    waits forever."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL)
        os._exit(1)

    threading.Thread(target=watch, name="arraigo-parent", daemon=True).start()


def _solve_in_child(
    database_url: str, job_id: int, messages: mp.Queue, hold: Path | None = None
) -> None:
    """The child process: load, score, solve, send the plan record (once the ``hold``
    file is gone, when there is one)."""
    _die_with_parent()
    if hold is not None:
        messages.put(("progress", {"held": True}))
        while hold.exists():
            time.sleep(0.05)
    try:
        engine = make_engine(database_url)
        with session_factory(engine)() as session:
            record = plan_job(session, job_id, lambda p: messages.put(("progress", p)))
        engine.dispose()
        messages.put(("done", record))
    except Exception as exc:  # reported to staff as the job's error
        detail = "".join(traceback.format_exception_only(exc)).strip()
        messages.put(("error", detail))


def _solver_context() -> Any:
    """How solvers start: forked from a server process that imported this module (and
    so the planning code) once, a clean interpreter with no threads and no locks; a job
    then starts in a fraction of a second instead of importing pandas, scikit-learn and
    OR-Tools anew. Spawned, like the server, where there is no fork server.

    The fork server runs while this process does, with the modules in memory; a solver
    is its child, so it watches the server (``_die_with_parent``), which exits when
    this process is gone."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def with_history(progress: dict[str, Any], history: list[list[float | None]]) -> dict[str, Any]:
    """The solver's latest progress with its course so far: [elapsed, best plan, bound]
    at most HISTORY points (halved, every other point kept, when full), for the chart."""
    if progress.get("elapsed") is not None:
        history.append(
            [round(progress["elapsed"], 2), progress.get("objective"), progress.get("bound")]
        )
        if len(history) > HISTORY:
            del history[1:-1:2]
    return {**progress, "history": [list(point) for point in history]}


class PlanRunner:
    """Starts, watches and cancels plan jobs for one service process."""

    def __init__(self, sessions: sessionmaker[Session], database_url: str) -> None:
        self.owner = this_process()
        self.sessions = sessions
        self.database_url = database_url
        self.context = _solver_context()
        self.processes: dict[int, Any] = {}
        # While this file exists, solvers wait before they start: tests use it to keep a
        # job running as long as they need, where the solve itself is not what they test.
        # (A file, not an event: a solver killed while waiting must not block its release.)
        self.hold: Path | None = None
        self.cancelled: set[int] = set()
        self.stopping = False
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(SOLVER_SLOTS)

    def start(self, job_id: int) -> None:
        thread = threading.Thread(target=self._watch, args=(job_id,), daemon=True)
        thread.start()

    def cancel(self, job_id: int) -> bool:
        """Stop a job this process watches; returns whether its solver was running.
        (The cancellation is also written to the job, for a watcher in another worker.)"""
        with self.lock:
            self.cancelled.add(job_id)
            process = self.processes.get(job_id)
        if process is not None and process.is_alive():
            process.terminate()
            return True
        return False

    def shutdown(self) -> None:
        """Stop every solver as the service stops; watchers write nothing more, and the
        next start marks their jobs failed, as after a crash."""
        with self.lock:
            self.stopping = True
            processes = list(self.processes.values())
        for process in processes:
            if process.is_alive():
                process.terminate()

    def kill(self, job_id: int) -> None:
        """Kill the solver abruptly, as a crash would (used by fault tests)."""
        with self.lock:
            process = self.processes.get(job_id)
        if process is not None:
            process.kill()

    def _cancel_requested(self, job_id: int) -> bool:
        with transaction(self.sessions) as session:
            return bool(
                session.scalar(select(PlanJob.cancel_requested).where(PlanJob.id == job_id))
            )

    def _set(self, job_id: int, **fields: Any) -> None:
        with transaction(self.sessions) as session:
            job = session.get(PlanJob, job_id)
            for name, value in fields.items():
                setattr(job, name, value)

    def _watch(self, job_id: int) -> None:
        """Wait, queued, for a free solver slot (or a cancellation), then run the job."""
        while not self.slots.acquire(timeout=POLL):
            if self.stopping or job_id in self.cancelled or self._cancel_requested(job_id):
                break
        else:
            try:
                self._run(job_id)
            finally:
                self.slots.release()
            return
        self._run(job_id)  # cancelled or stopping while queued: it says so and returns

    def _run(self, job_id: int) -> None:
        messages = self.context.Queue()
        process = self.context.Process(
            target=_solve_in_child,
            args=(self.database_url, job_id, messages, self.hold),
            daemon=True,
        )
        with self.lock:
            if self.stopping:
                return
            if job_id in self.cancelled or self._cancel_requested(job_id):
                self._set(job_id, status=PlanStatus.cancelled, finished_at=now())
                return
            self.processes[job_id] = process
        self._set(job_id, status=PlanStatus.running, started_at=now())
        try:
            process.start()
        except Exception as exc:  # the job says why instead of staying "running"
            self._set(
                job_id,
                status=PlanStatus.failed,
                finished_at=now(),
                error=f"No se pudo iniciar: {exc}",
            )
            return
        outcome: tuple[str, Any] | None = None
        history: list[list[float | None]] = []
        checked = time.monotonic()
        while outcome is None and not self.stopping:  # (stopping: the database may be gone)
            if time.monotonic() - checked >= POLL:
                checked = time.monotonic()
                if self._cancel_requested(job_id):  # asked through another worker
                    self.cancel(job_id)
            # Alive before the wait, not after it: a solver that sends its plan and exits
            # while the wait times out has still sent it (a CI run lost a plan that way).
            alive = process.is_alive()
            try:
                kind, payload = messages.get(timeout=POLL)
            except queue.Empty:
                if alive:
                    continue
                break
            if kind == "progress":
                self._set(job_id, progress=with_history(payload, history))
            else:
                outcome = (kind, payload)
        process.join(timeout=5)
        with self.lock:
            self.processes.pop(job_id, None)
            cancelled = job_id in self.cancelled
            if self.stopping:
                return
        if cancelled:
            self._set(job_id, status=PlanStatus.cancelled, finished_at=now())
        elif outcome is None:
            code = process.exitcode
            self._set(
                job_id,
                status=PlanStatus.failed,
                finished_at=now(),
                error=f"El proceso de cálculo terminó sin plan (código {code}) / "
                f"the solver process stopped without a plan (exit code {code}).",
            )
        elif outcome[0] == "error":
            self._set(job_id, status=PlanStatus.failed, finished_at=now(), error=outcome[1])
        else:
            # The whole plan in one commit: a draft for staff to review.
            self._set(job_id, status=PlanStatus.draft, finished_at=now(), result=outcome[1])
