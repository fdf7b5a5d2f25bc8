"""The pages as a person uses them: a real server on a loopback port, Debian's Chromium
driven by Playwright. Signing in and out, each role's navigation, a broken file's
errors by row and column, an officer's follow-ups due, phone width and English, busy
signs and the keyboard; the server, browser and helpers the other browser tests share.
Two weeks of every role's work: test_pages_walk_browser. Screenshots go to
test-artifacts/pages/.

Skipped only where Chromium is absent on a laptop; CI installs it (.ci/run), and
there a missing browser fails instead of skipping.
"""

import csv
import datetime as dt
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from arraigo.api.app import create_app
from arraigo.api.db import Placement, PlacementEvent, User
from arraigo.api.services.imports import run_import
from arraigo.api.services.users import create_user

from .conftest import (
    CORPUS,
    PASSWORD,
    ROLES,
    draft_plan,
    free_port,
    fresh_database,
    settings_for,
)

CHROMIUM = os.environ.get("ARRAIGO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "pages"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(f"no Chromium at {CHROMIUM} (CI installs it)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(service) -> str:
    return service.state.url


@pytest.fixture(scope="module")
def service(tmp_path_factory, template_database) -> Iterator:
    """The real app under uvicorn in a thread. Cookies are Secure (the default): Chromium
    accepts them from http://127.0.0.1, a secure context."""
    import uvicorn

    folder = tmp_path_factory.mktemp("pages")
    urls = fresh_database(folder, template_database)
    database_url = next(urls)
    settings = settings_for(database_url, cookie_secure=True, cache_dir=str(folder / "cache"))
    app = create_app(settings)
    with app.state.sessions() as session:
        for role in ROLES:
            create_user(session, role, role, PASSWORD)
        session.commit()
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uvi = uvicorn.Server(config)
    thread = threading.Thread(target=uvi.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvi.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    app.state.url = f"http://127.0.0.1:{port}"
    yield app
    uvi.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()
    for _rest in urls:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(button) -> None:
    """Press a form's button and wait for the page it leads to."""
    with button.page.expect_navigation():
        button.click()


def sign_in(browser, server: str, role: str, password: str = PASSWORD, **context):
    page = browser.new_page(**context)
    page.goto(f"{server}/")
    assert "/sign-in" in page.url, "an anonymous visitor is sent to sign in"
    page.get_by_label("Usuario").fill(role)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def test_wrong_password_is_refused_and_anonymous_visitors_sign_in_first(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/plans")
    assert page.url.startswith(f"{server}/sign-in")
    page.get_by_label("Usuario").fill("admin")
    page.get_by_label("Contraseña").fill("not-the-password")
    page.get_by_role("button", name="Entrar").click()
    assert page.get_by_role("alert").inner_text() == "Usuario o contraseña incorrectos."
    shot(page, "01-sign-in-refused")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{server}/plans")  # back to the page first asked for
    cookie = next(c for c in page.context.cookies() if c["name"] == "arraigo_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/sign-in")
    page.goto(f"{server}/plans")
    assert "/sign-in" in page.url, "signing out ends the session"
    page.close()


STAFF_NAV = ["Datos", "Candidatos", "Planes", "Reubicaciones", "Monitoreo", "Expedientes"]
STAFF_NAV += ["Duplicados", "Modelo de resultados", "Exportar"]


def test_each_role_sees_its_own_navigation(browser, server):
    expected = {
        "admin": [*STAFF_NAV, "Usuarios", "Bitácora"],
        "relocation_staff": STAFF_NAV,
        "employment_officer": [
            "Datos",
            "Candidatos",
            "Reubicaciones",
            "Monitoreo",
            "Expedientes",
            "Exportar",
        ],
        "partner": ["Monitoreo"],
    }
    for role, links in expected.items():
        page = sign_in(browser, server, role)
        nav = page.get_by_role("navigation", name="Secciones")
        assert nav.get_by_role("link").all_inner_texts() == links
        page.close()


@pytest.mark.parametrize(
    "case", ["many_faults_at_once", "excel_age_too_high", "unknown_family", "not_utf8"]
)
def test_a_broken_file_shows_each_error_by_row_and_column(browser, server, case):
    """Each case is the good set with one file broken: all are uploaded together."""
    folder = CORPUS / "broken" / case
    broken = [p for p in sorted(folder.iterdir()) if p.name != "expected.csv"]
    good = [
        p for p in sorted((CORPUS / "good").iterdir()) if p.stem not in {b.stem for b in broken}
    ]
    files = [str(p) for p in broken + good]
    with open(folder / "expected.csv", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    page = sign_in(browser, server, "relocation_staff")
    page.goto(f"{server}/data")
    page.get_by_label("Archivos", exact=True).set_input_files(files)
    page.get_by_role("button", name="Revisar").click()
    table = page.locator("#problems")
    table.wait_for()
    rows = [r.locator("td").all_inner_texts() for r in table.locator("tbody tr").all()]
    for problem in expected:
        assert any(
            r[0] == problem["file"]
            and covers(r[1], int(problem["row"]))
            and r[2] == (problem["column"] or "—")
            for r in rows
        ), f"{problem} not shown in {rows}"
    assert page.get_by_role("button", name="Confirmar la importación").count() == 0
    shot(page, f"02-data-broken-{case}")
    page.close()


def covers(where: str, row: int) -> bool:
    """Whether a problem's rows as the page tells them ("todo el archivo", "fila 3",
    "filas 3–250, 260") include ``row`` (0: the whole file)."""
    if where == "todo el archivo":
        return row == 0
    numbers = set()
    for span in where.split(" ", 1)[1].split(", "):
        first, _dash, last = span.replace(",", "").partition("–")
        numbers |= set(range(int(first), int(last or first) + 1))
    return row in numbers


@pytest.fixture(scope="module")
def imported(service) -> None:
    """The good corpus stored through the import service and a draft plan of it, not
    solved: what the pages below read. (Importing, planning and approving on the pages
    themselves, two weeks of them: test_pages_walk_browser.)"""
    files = [(p.name, p.read_bytes()) for p in sorted((CORPUS / "good").glob("*.csv"))]
    with service.state.sessions() as session:
        staff = session.scalar(select(User).where(User.username == "relocation_staff"))
        assert run_import(session, files, staff).ok
        session.commit()
    draft_plan(service, {"F1": "Saltillo", "F2": "Monterrey"})


def test_officer_sees_and_records_the_follow_ups_due(browser, server, service, imported):
    """A person placed two months ago, hired 40 days ago: the 30-day check is overdue
    on the list of the officer who follows her."""
    today = dt.date.today()
    with service.state.sessions() as session:
        placement = Placement(
            family_id="F2", person_id="P5", city="Monterrey", officer="employment_officer"
        )
        session.add(placement)
        session.flush()
        for status, days in (("proposed", 60), ("moved", 55), ("hired", 40)):
            session.add(
                PlacementEvent(
                    placement_id=placement.id,
                    status=status,
                    date=today - dt.timedelta(days=days),
                    created_by="relocation_staff",
                )
            )
        placement.status = "hired"
        session.commit()
    page = sign_in(browser, server, "employment_officer")
    page.get_by_role("navigation").get_by_role("link", name="Reubicaciones").click()
    due = page.locator("#due tbody tr")
    assert due.count() == 1 and "días de retraso" in due.first.inner_text()
    assert due.first.get_by_label("Nuevo estado").input_value() == "employed_30d"
    shot(page, "08-follow-ups-officer")
    submit(due.first.get_by_role("button", name="Guardar"))
    assert page.get_by_role("status").is_visible()
    assert page.locator("#due").count() == 0, "recorded: nothing left due this week"
    page.close()


def test_pages_read_well_on_a_phone_and_in_english(browser, server):
    phone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
    page = sign_in(browser, server, "relocation_staff", **phone)
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Plan a batch"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(page, "12-plans-phone-en")
    page.goto(f"{server}/monitoring")
    assert page.get_by_role("heading", level=1).inner_text() == "Programme monitoring"
    shot(page, "13-monitoring-phone-en")
    page.close()


def test_an_action_that_takes_a_while_says_it_is_working(browser, server):
    page = sign_in(browser, server, "relocation_staff")

    def slow(route) -> None:  # the server takes a second and a half to answer
        time.sleep(1.5)
        route.continue_()

    page.route(re.compile(r"/language/en"), slow)
    # What the page shows while it waits, kept across the navigation (sessionStorage).
    page.evaluate(
        """new MutationObserver(() => {
            const link = document.querySelector("a[aria-busy=true]");
            if (link && document.body.getAttribute("aria-busy") === "true")
                sessionStorage.setItem("busy", link.textContent);
        }).observe(document.body, {subtree: true, attributes: true})"""
    )
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Plan a batch"
    assert page.evaluate("sessionStorage.getItem('busy')") == "English"
    assert page.locator("[aria-busy]").count() == 0, "the new page is not busy"
    page.close()


def test_the_keyboard_skips_to_the_content_and_reaches_every_form_control(
    browser, server, imported
):
    page = sign_in(browser, server, "relocation_staff")
    page.goto(f"{server}/data")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Saltar al contenido"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for path in ("/data", "/candidates", "/plans", "/plans/1", "/placements", "/monitoring"):
        page.goto(f"{server}{path}")
        unlabeled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"""
        )
        assert unlabeled == [], f"every control on {path} has a label"
    page.close()


def test_chromium_is_there_in_ci():
    """CI must really run the browser tests (the module skips only off CI)."""
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
