"""A real service on a real database file (SQLite by default; PostgreSQL when
ARRAIGO_TEST_DATABASE_URL names a server), with one signed-in client per role.

Speed without shortcuts in what is tested: the schema is migrated once per run into a
template that each test's database is copied from (migrations themselves are tested in
test_migrations.py), and passwords are hashed at argon2's lowest cost."""

import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from arraigo.api.app import create_app
from arraigo.api.db import make_engine, upgrade
from arraigo.api.services.users import create_user
from arraigo.api.settings import Settings

ROLES = ("admin", "relocation_staff", "employment_officer", "partner")
PASSWORD = "contraseña-de-prueba"
CORPUS = Path(__file__).parents[1] / "data" / "corpus"


SERVER = os.environ.get("ARRAIGO_TEST_DATABASE_URL")


def settings_for(database_url: str, **options) -> Settings:
    """The service's settings in tests: plain HTTP cookies, cheapest password hashes."""
    defaults = {"cookie_secure": False, "password_time_cost": 1, "password_memory_kib": 8}
    return Settings(database_url=database_url, **(defaults | options))


def _migrated(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[str]:
    """A database at the latest schema, made once per run: SQLite file or PostgreSQL
    database to copy each test's database from."""
    if not SERVER:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _migrated(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"arraigo_template_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    _migrated(SERVER.rsplit("/", 1)[0] + f"/{name}")
    yield name
    _drop(admin, name)


def fresh_database(folder: Path, template_database: str | None) -> Iterator[str]:
    """A new database copied from the template, or empty without one (dropped
    afterwards on PostgreSQL)."""
    if not SERVER:
        path = folder / "arraigo.sqlite3"
        if template_database is not None:
            shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"
        return
    name = f"arraigo_test_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{template_database}"' if template_database is not None else ""
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{template}'))
    yield SERVER.rsplit("/", 1)[0] + f"/{name}"
    _drop(admin, name)


def _drop(admin: Engine, name: str, attempts: int = 10) -> None:
    """Drop a test's database, ending its connections. A role that may not end a
    background worker still in it (autovacuum, on a server without the grant that
    .ci/postgres gives) is refused: it tries again once the worker is done."""
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            break
        except ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, template_database: str) -> Iterator[str]:
    """A fresh database for one test, already at the latest schema."""
    yield from fresh_database(tmp_path, template_database)


@pytest.fixture
def app(database_url: str):
    application = create_app(settings_for(database_url))
    with application.state.sessions() as session:
        for role in ROLES:
            create_user(session, role, role, PASSWORD)
        session.commit()
    yield application
    application.state.runner.shutdown()
    application.state.engine.dispose()


class Client(TestClient):
    """A test client signed in as one role."""

    def sign_in(self, username: str, password: str = PASSWORD) -> "Client":
        response = self.post("/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        return self


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def as_role(app):
    """as_role("partner") -> a client signed in as the partner user."""
    clients = []

    def make(role: str) -> Client:
        client = Client(app)
        clients.append(client)
        return client.sign_in(role)

    yield make
    for client in clients:
        client.close()


def upload(client: TestClient, *paths: Path, dry_run: bool = False):
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    return client.post("/api/v1/imports", files=files, data={"dry_run": str(dry_run).lower()})


@pytest.fixture
def good_files() -> list[Path]:
    return sorted(p for p in (CORPUS / "good").iterdir() if p.suffix == ".csv")


@pytest.fixture
def loaded(as_role, good_files):
    """A service holding the small good dataset, and a staff client."""
    staff = as_role("relocation_staff")
    assert upload(staff, *good_files).status_code == 200
    return staff


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, seconds: float) -> bool:
    """Whether a service at ``url`` answers `GET /health` within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


@pytest.fixture
def held(app, tmp_path):
    """Plan jobs of ``app`` stay running (their solver waits) while this file exists:
    for tests of cancelling, killing and following a running job."""
    hold = tmp_path / "hold"
    hold.touch()
    app.state.runner.hold = hold
    yield hold
    hold.unlink(missing_ok=True)


def wait(client, plan_id: int, until=("draft", "failed", "cancelled"), seconds: float = 180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        plan = client.get(f"/api/v1/plans/{plan_id}").json()
        if plan["status"] in until:
            return plan
        time.sleep(0.3)
    raise AssertionError(f"plan {plan_id} still {plan['status']} after {seconds} s")


def draft_plan(
    app,
    cities: dict[str, str],
    jobs: dict[str, str] | None = None,
    parent: int | None = None,
    **result: object,
) -> int:
    """A draft plan, as a plan job leaves it but without solving, that relocates these
    families (family -> city) and puts these members in vacancies (person -> vacancy);
    optionally re-optimised from ``parent``, with more fields of the result (objective…)."""
    from arraigo.api.db import PlanJob

    result = {
        "status": "optimal",
        "families": [{"family_id": f, "city": c, "reason": "prueba"} for f, c in cities.items()],
        "members": [{"person_id": p, "vacancy_id": v} for p, v in (jobs or {}).items()],
        "usage": [],
        **result,
    }
    with app.state.sessions() as session:
        job = PlanJob(
            created_by="relocation_staff", status="draft", params={}, result=result,
            parent_id=parent,
        )  # fmt: skip
        session.add(job)
        session.commit()
        return job.id


def approve_families(app, staff, cities: dict[str, str]) -> None:
    """Approve a draft plan that relocates these families: every member gets a placement."""
    assert staff.post(f"/api/v1/plans/{draft_plan(app, cities)}/approve").status_code == 200
