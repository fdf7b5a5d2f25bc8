"""Faults on a real server process: killed in the middle of an import, then restarted."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from arraigo.api.db import Import, Record, make_engine, session_factory
from arraigo.api.services.users import create_user
from arraigo.data import generate_scenario

from .conftest import free_port, healthy

ARRAIGO = shutil.which("arraigo", path=str(Path(sys.executable).parent)) or "arraigo"


class Server:
    """`arraigo serve` in a subprocess on a loopback port."""

    def __init__(self, database_url: str, cwd: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ARRAIGO_DATABASE_URL": database_url}
        self.process = subprocess.Popen(
            [ARRAIGO, "serve", "--port", str(self.port), *options],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the workers die with it
        )
        if healthy(self.url, 60):
            return
        self.kill()
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        """As a crash would: the supervisor and every worker at once, no shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def add_admin(database_url: str) -> None:
    """The admin the test signs in as, written straight to the database (the command that
    does it is tested in test_cli; a process of its own here would only add its start)."""
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        create_user(session, "admin", "admin", "clave-de-prueba")
        session.commit()
    engine.dispose()


def token(server: Server) -> dict[str, str]:
    response = httpx.post(
        f"{server.url}/auth/token", data={"username": "admin", "password": "clave-de-prueba"}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killing_the_server_during_an_import_leaves_all_or_nothing(tmp_path, database_url):
    add_admin(database_url)
    files = generate_scenario(families=4000, seed=9).write(tmp_path / "batch")
    # One worker: what is tested is the database's transaction, not the workers.
    server = Server(database_url, tmp_path, "--workers", "1")
    headers = token(server)
    answer: dict[str, object] = {}

    def send() -> None:
        payload = [("files", (p.name, p.read_bytes())) for p in files]
        try:
            answer["response"] = httpx.post(
                f"{server.url}/api/v1/imports", files=payload, headers=headers, timeout=120
            )
        except httpx.HTTPError as exc:
            answer["error"] = exc

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(2.0)  # the server is validating or writing by now
    server.kill()
    sender.join(timeout=60)
    restarted = Server(database_url, tmp_path, "--workers", "1")
    try:
        engine = create_engine(database_url)
        with engine.connect() as connection:
            records = connection.scalar(select(func.count()).select_from(Record))
            imports = connection.scalar(select(func.count()).select_from(Import))
        engine.dispose()
        # Either the whole import landed before the kill, or none of it did.
        people = files[0].read_text(encoding="utf-8").count("\n") - 1
        assert (records, imports) == (0, 0) or (imports == 4 and records >= people)
        # The restarted service works and takes the same import whole.
        again = httpx.post(
            f"{restarted.url}/api/v1/imports",
            files=[("files", (p.name, p.read_bytes())) for p in files],
            headers=token(restarted),
            timeout=300,
        )
        assert again.status_code == 200, again.text
        assert httpx.get(f"{restarted.url}/health").status_code == 200
    finally:
        restarted.kill()
