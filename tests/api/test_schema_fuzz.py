"""schemathesis against the service's own OpenAPI schema: whatever a client sends, valid
or not, signed in as admin or not signed in at all, the answer is never a 5xx."""

import time
import traceback
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from arraigo.api.db import User
from arraigo.api.services.auth import issue_token

from .conftest import wait

# A few examples per operation (valid and invalid inputs both) keep the run near a
# minute; derandomised so CI replays the same inputs and a failure reproduces.
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def service(app, loaded):
    """A service holding the small good dataset and a draft plan, and the identifiers
    that exist in it: random path parameters alone would only ever reach a 404."""
    plan = wait(loaded, loaded.post("/api/v1/plans", json={"time_limit": 5}).json()["id"])
    known = {
        "person_id": "P1",
        "vacancy_id": "V1",
        "plan_id": plan["id"],
        # Generated requests may approve the draft plan; its first placement then exists.
        "placement_id": 1,
        "flag_id": 1,
        "username": "partner",
    }
    yield app, known
    # Generated requests start plan jobs: stop their solver processes before the
    # database goes away.
    runner = app.state.runner
    deadline = time.monotonic() + 60
    while runner.processes and time.monotonic() < deadline:
        for job_id in list(runner.processes):
            runner.cancel(job_id)
        time.sleep(0.2)


def server_errors(app, known: dict, headers: Callable[[], dict[str, str]]) -> list[str]:
    """Fuzz every operation, one line per operation that answered a 5xx (or raised).

    schemathesis' pytest plugin cannot name subtests on pytest 9, so the operations
    are walked here, each with valid and invalid inputs, at random paths and at known ones.
    """
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        existing = {name: known[name] for name in names if name in known}
        strategies = [operation.as_strategy(mode) for mode in GenerationMode]
        if existing:
            strategies.append(operation.as_strategy(path_parameters=existing))

        @FUZZ
        @given(case=st.one_of(*strategies))
        def fuzz(case) -> None:
            case.call_and_validate(headers=headers(), checks=[not_a_server_error])

        try:
            fuzz()
        except Exception as exc:  # every failing operation is reported, not just the first
            failures.append(f"{operation.label}: {_describe(exc)}")
    return failures


def _describe(exc: BaseException) -> str:
    """The error and, for hypothesis' flaky-failure groups, what each attempt raised."""
    parts = [exc, *getattr(exc, "exceptions", ())]
    return "".join("".join(traceback.format_exception_only(e)) for e in parts)


def test_no_input_makes_the_service_fail_for_an_admin(service):
    app, known = service

    def admin_bearer() -> dict[str, str]:
        # A fresh token each request: a generated sign-out revokes the one it was sent.
        with app.state.sessions() as session:
            admin = session.query(User).filter_by(username="admin").one()
            token = issue_token(session, admin, hours=1)
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    failures = server_errors(app, known, admin_bearer)
    assert not failures, "\n\n".join(failures)


def test_no_input_makes_the_service_fail_for_an_anonymous_client(service):
    app, known = service
    failures = server_errors(app, known, dict)
    assert not failures, "\n\n".join(failures)


def test_values_a_database_cannot_hold_are_refused_not_a_server_error(as_role):
    admin = as_role("admin")
    # Beyond PostgreSQL's integer ids and SQLite's 64-bit offsets.
    assert admin.get(f"/api/v1/plans/{2**63}").status_code == 422
    assert admin.get("/api/v1/audit", params={"offset": 2**63}).status_code == 422
    # A NUL in a username is refused by the username rule, on SQLite as on PostgreSQL.
    nul = {"username": "nul\x00", "role": "partner", "password": "una-clave-larga"}
    answer = admin.post("/api/v1/users", json=nul)
    assert answer.status_code == 422, answer.text
