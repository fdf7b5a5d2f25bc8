"""A real service on a real database file (SQLite by default; PostgreSQL when
ARRAIGO_TEST_DATABASE_URL names a server), with one signed-in client per role."""

import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from arraigo.api.app import create_app
from arraigo.api.services.users import create_user
from arraigo.api.settings import Settings

ROLES = ("admin", "relocation_staff", "employment_officer", "partner")
PASSWORD = "contraseña-de-prueba"
CORPUS = Path(__file__).parents[1] / "data" / "corpus"


def _database_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("ARRAIGO_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'arraigo.sqlite3'}"
        return
    # A fresh PostgreSQL database per test, dropped afterwards.
    name = f"arraigo_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    yield from _database_url(tmp_path)


@pytest.fixture
def app(database_url: str):
    application = create_app(Settings(database_url=database_url, cookie_secure=False))
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
