"""A fault of ours (an exception no handler takes): a page in the reader's language with
a reference to quote to support, the same reference in the log with the traceback, and
JSON for programs; never a traceback or internals on the page."""

import logging
import re

import pytest
from sqlalchemy.exc import DataError

from arraigo.api.services import monitoring

from .test_pages import signed_in


@pytest.fixture
def broken(monkeypatch):
    """The monitoring service fails as a bug would."""

    def fail(*args, **kwargs):
        raise RuntimeError("internal detail nobody should read")

    monkeypatch.setattr(monitoring, "indicator_table", fail)


def _logged(caplog, reference: str) -> logging.LogRecord:
    records = [r for r in caplog.records if reference in r.getMessage()]
    assert records, f"reference {reference} not in the log"
    return records[0]


def test_a_fault_on_a_page_is_a_page_with_a_reference_that_the_log_keeps(app, broken, caplog):
    client = signed_in(app, "partner")
    page = client.get("/monitoring", headers={"Accept": "text/html"})
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Algo salió mal de nuestro lado" in page.text and 'lang="es"' in page.text
    reference = re.search(r"Referencia para soporte: <strong>([0-9A-F]{8})</strong>", page.text)
    assert reference, page.text
    for leak in ("Traceback", "RuntimeError", "internal detail", '{"detail"'):
        assert leak not in page.text
    assert "Content-Security-Policy" in page.headers, "the page still gets the edge's headers"
    record = _logged(caplog, reference[1])
    assert record.exc_info and "internal detail" in str(record.exc_info[1])
    assert "/monitoring" in record.getMessage()

    client.get("/language/en?next=/monitoring")
    page = client.get("/monitoring", headers={"Accept": "text/html"})
    assert page.status_code == 500 and "Something went wrong on our side" in page.text
    assert re.search(r"Reference for support: <strong>[0-9A-F]{8}</strong>", page.text)


def test_a_fault_on_the_api_is_json_with_the_reference(as_role, broken, caplog):
    answer = as_role("partner").get("/api/v1/monitoring/indicators")
    assert answer.status_code == 500
    body = answer.json()
    assert re.fullmatch(r"[0-9A-F]{8}", body["reference"])
    assert body["reference"] in body["detail"] and "internal detail" not in body["detail"]
    assert _logged(caplog, body["reference"]).exc_info


def test_a_value_the_database_refuses_is_a_page_for_a_browser_and_json_for_a_program(
    app, as_role, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DataError("INSERT …", {}, Exception("invalid byte sequence for encoding"))

    monkeypatch.setattr(monitoring, "indicator_table", refuse)
    page = signed_in(app, "partner").get("/monitoring", headers={"Accept": "text/html"})
    assert page.status_code == 422 and "Un valor del formulario no se puede guardar" in page.text
    assert "invalid byte sequence" not in page.text
    answer = as_role("partner").get("/api/v1/monitoring/indicators")
    assert answer.status_code == 422 and "invalid byte sequence" in answer.json()["detail"]
