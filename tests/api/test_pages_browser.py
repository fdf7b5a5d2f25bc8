"""The pages as a person uses them: a real server on a loopback port, Debian's Chromium
driven by Playwright. Staff upload a broken file and read its errors, import good
files, plan a batch, review and approve it; an officer records a status; a partner
sees the dashboard without a single name. Screenshots go to test-artifacts/pages/.

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

from arraigo.api.app import create_app
from arraigo.api.db import Placement, PlacementEvent
from arraigo.api.services.users import create_user
from arraigo.data import generate_scenario
from arraigo.data._io import write_table

from .conftest import CORPUS, PASSWORD, ROLES, free_port, fresh_database, settings_for

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


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    """A small generated batch, written as the CSV files staff would upload."""
    folder = tmp_path_factory.mktemp("scenario")
    dataset = generate_scenario(families=36, seed=3)
    for kind in ("destinations", "families", "people", "vacancies"):
        write_table(getattr(dataset, kind), folder / f"{kind}.csv")
    return folder


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(button) -> None:
    """Press a form's button and wait for the page it leads to."""
    with button.page.expect_navigation():
        button.click()


def sign_in(browser, server: str, role: str, **context):
    page = browser.new_page(**context)
    page.goto(f"{server}/")
    assert "/sign-in" in page.url, "an anonymous visitor is sent to sign in"
    page.get_by_label("Usuario").fill(role)
    page.get_by_label("Contraseña").fill(PASSWORD)
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


def working(service, person_id: str) -> bool:
    """Whether the service's records give this person a working age."""
    from arraigo.api.services.store import current_frame
    from arraigo.data import working_members

    with service.state.sessions() as session:
        people = current_frame(session, "people")
    return bool(working_members(people[people["person_id"] == person_id]).iloc[0])


def test_staff_import_plan_review_and_approve(browser, server, service, scenario):
    page = sign_in(browser, server, "relocation_staff")
    page.goto(f"{server}/data")
    # The good corpus first: checked, then confirmed.
    page.get_by_label("Archivos", exact=True).set_input_files(
        sorted(str(p) for p in (CORPUS / "good").glob("*.csv"))
    )
    page.get_by_role("button", name="Revisar").click()
    assert "Sin errores" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Confirmar la importación").click()
    assert "Importación guardada" in page.get_by_role("status").inner_text()
    # Then a generated batch of 36 families.
    page.get_by_label("Archivos", exact=True).set_input_files(
        sorted(str(p) for p in scenario.glob("*.csv"))
    )
    page.get_by_role("button", name="Revisar").click()
    page.get_by_role("button", name="Confirmar la importación").click()
    assert "Importación guardada" in page.get_by_role("status").inner_text()
    assert page.locator("#capacity tbody tr").count() >= 10
    shot(page, "03-data-imported")

    page.get_by_role("navigation").get_by_role("link", name="Planes").click()
    assert page.locator("input[name=families]:checked").count() == 40
    page.get_by_label("Tiempo máximo de cálculo (segundos)").fill("8")
    page.get_by_label("Peso de la ciudad que la familia prefiere").fill("0.1")
    page.get_by_label("Cuota mínima de familias vulnerables (%)").fill("10")
    shot(page, "04-plan-new")
    page.get_by_role("button", name="Calcular el plan").click()
    page.locator("#plan-status").wait_for()
    shot(page, "05-plan-running")
    page.get_by_text("Borrador", exact=True).wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator("#families tbody tr").count() == 40
    assert page.locator("#usage tbody tr").count() >= 10
    line = page.locator("#baseline").inner_text()
    assert re.fullmatch(
        r"Este plan: [\d.]+ puntos de afinidad; primero en llegar, primero en ser "
        r"atendido: [\d.]+\.",
        line,
    ), line
    assert "Cuota mínima de familias vulnerables: 10 %" in page.locator(".share").inner_text()
    shot(page, "06-plan-draft")
    page.locator(".figure").first.screenshot(path=str(ARTIFACTS / "06-plan-map.png"))

    # Veto one family's city; lock another where the plan put it (the form's default
    # city); a third decision is taken and undone. Then re-optimise.
    rows = [r.locator("td").all_inner_texts() for r in page.locator("#families tbody tr").all()]
    placed = [cells[:2] for cells in rows if cells[1] != "—"]
    (vetoed, vetoed_city), (locked, locked_city), (undone, _city) = placed[:3]
    for family, action, reason in (
        (vetoed, "veto", "La familia no quiere ir a esa ciudad"),
        (locked, "lock", "Tiene un hermano que trabaja allí"),
        (undone, "veto", "Por error"),
    ):
        page.get_by_label("Familia", exact=True).select_option(family)
        page.get_by_label("Acción", exact=True).select_option(action)
        assert page.get_by_label("Ciudad", exact=True).input_value() == ""  # the plan's city
        page.get_by_label("Motivo", exact=True).fill(reason)
        page.get_by_role("button", name="Registrar decisión").click()
        assert reason in page.locator("#decisions").inner_text()
    decisions = page.locator("#decisions tbody tr")
    lock_row = decisions.filter(has_text="Tiene un hermano").locator("td").all_inner_texts()
    assert lock_row[:3] == ["Fijar", locked, locked_city], "locked where it is"
    decisions.filter(has_text="Por error").get_by_role("button", name="Deshacer").click()
    assert "Por error" not in page.locator("#decisions").inner_text()
    assert page.locator("#approve").is_disabled()
    assert "re-optimice" in page.locator("#blockers").inner_text()
    page.get_by_role("button", name="Re-optimizar").click()
    page.get_by_text("Borrador", exact=True).wait_for(timeout=120_000)

    def city_of(family: str) -> str:
        row = page.locator("#families tbody tr").filter(
            has=page.get_by_role("cell", name=family, exact=True)
        )
        return row.locator("td").nth(1).inner_text()

    assert city_of(vetoed) != vetoed_city
    assert city_of(locked) == locked_city
    changed = page.locator("#changed-families").inner_text()
    assert vetoed in changed and locked not in changed
    shot(page, "07-plan-changes")
    page.get_by_role("link", name="Aprobar el plan").click()
    summary = page.locator("#approval-summary").inner_text()
    said = r"Al aprobar, el plan reubica a \d+ familias? \(\d+ personas?\) en \d+ ciudad"
    assert re.match(said, summary)
    shot(page, "07-plan-confirm")
    page.get_by_role("button", name="Confirmar la aprobación").click()
    assert "Aprobado por relocation_staff" in page.get_by_role("status").inner_text()
    assert page.locator("#plan-status").inner_text().endswith("Aprobado")
    shot(page, "07-plan-approved")
    # The English page gives the reasons in English.
    page.get_by_role("link", name="English").click()
    reasons = page.locator("#families tbody tr td:last-child").all_inner_texts()
    assert all(
        r.startswith(("Goes to", "Placed in", "Not relocated", "No possible")) for r in reasons
    )
    page.get_by_role("link", name="Español").click()

    # Record the first arrivals and hires on the placements page.
    page.get_by_role("link", name="Ver las reubicaciones").click()
    rows = page.locator("#placements tr.member")
    assert rows.count() > 0
    for index in range(1, min(9, rows.count())):
        row = page.locator("#placements tr.member").nth(index)
        row.get_by_label("Nuevo estado").select_option("moved")
        submit(row.get_by_role("button", name="Guardar"))
        assert page.get_by_role("status").is_visible()
    # A hire follows the move, and only for someone of working age.
    moved = [page.locator("#placements tr.member").nth(i) for i in range(1, min(9, rows.count()))]
    ids = [row.locator(".pid").inner_text() for row in moved]
    child = next(i for i, person in enumerate(ids) if not working(service, person))
    adult = next(i for i, person in enumerate(ids) if working(service, person))
    for index, ok in ((child, False), (adult, True)):
        row = page.locator("#placements tr.member").nth(index + 1)
        row.get_by_label("Nuevo estado").select_option("hired")
        submit(row.get_by_role("button", name="Guardar"))
        if ok:
            assert page.get_by_role("status").is_visible()
        else:
            assert "18 a 64" in page.get_by_role("alert").first.inner_text()
    # The first adult gets an employment officer; a child has none to choose.
    adults = page.locator("#placements tr.member").filter(has=page.locator("[name=officer]"))
    first = adults.first.get_attribute("id")
    assert adults.count() < rows.count(), "no officer for a child"
    page.locator(f"#{first}").get_by_label("Oficial de empleo").select_option("employment_officer")
    submit(page.locator(f"#{first}").get_by_role("button", name="Asignar"))
    officer = page.locator(f"#{first}").get_by_label("Oficial de empleo")
    assert officer.input_value() == "employment_officer"
    shot(page, "08-placements")
    page.close()


def test_officer_sees_and_records_the_follow_ups_due(browser, server, service):
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


def test_officer_finds_vacancies_with_reasons_for_a_person(browser, server):
    page = sign_in(browser, server, "employment_officer")
    assert page.url.endswith("/candidates")
    page.get_by_label("Nombre o identificador").fill("P1")
    page.get_by_role("button", name="Buscar").first.click()
    page.locator("#found a").first.click()
    table = page.locator("#person-matches")
    table.wait_for(timeout=120_000)
    assert table.locator("tbody tr").count() >= 1
    first = table.locator("tbody tr").first.locator("td").all_inner_texts()
    why = first[3]  # #, vacancy, city, why, eligibility
    assert why.startswith("Afinidad ") and "ESCO" in why, first  # the sentence, then its codes
    shot(page, "09-candidates-person")
    vacancy = table.locator("tbody tr a").first
    vacancy.click()
    page.locator("#vacancy-matches").wait_for(timeout=60_000)
    shot(page, "10-candidates-vacancy")
    page.close()


def test_partner_sees_aggregates_and_no_personal_data(browser, server, scenario):
    page = sign_in(browser, server, "partner")
    assert page.url.endswith("/monitoring")
    page.locator("#by-city").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    text = page.content()
    names = set()
    for path in (*scenario.glob("people.csv"), CORPUS / "good" / "people.csv"):
        with open(path, encoding="utf-8") as handle:
            names |= {row["full_name"] for row in csv.DictReader(handle) if row["full_name"]}
    assert names and not [n for n in names if n in text], "a partner must see no names"
    assert "P1" not in page.locator("main").inner_text()
    shot(page, "11-monitoring-partner")
    with page.expect_download() as download:
        page.get_by_role("link", name="Indicadores por ciudad").click()
    assert download.value.suggested_filename == "indicadores_city.csv"
    response = page.goto(f"{server}/plans")
    assert response.status == 403
    # The API takes bearer tokens only: the page's cookie signs no one in there.
    response = page.goto(f"{server}/api/v1/people")
    assert response.status == 401
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


def test_the_keyboard_skips_to_the_content_and_reaches_every_form_control(browser, server):
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
