"""Two weeks of the programme on the pages alone, role by role, in Debian's Chromium:
an admin creates the users and resets a password; staff import week 1, plan, review
(veto, lock, undo), re-optimise and see what changed, approve, export the move list and
give families to an officer; the officer opens a case file and the candidates, records
a hire and a departure that gives a house back; staff import week 2 (ids prefixed W2-,
as `arraigo generate --id-prefix` writes them), review a duplicate, plan against what
week 1 left and approve, open one placement's history, import a past cohort's outcomes
and train the outcome model; a partner sees aggregates and is refused personal pages in
Spanish; the audit log tells who did what. Real server and solver, three cities and
then four, ten families and then six. (Paging past row 1,000: test_pages_lists_browser.)"""

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from arraigo.api.web.words import AUDIT
from arraigo.data import resource_label

from .test_pages_browser import (
    browser,
    playwright_api,
    server,
    service,
    shot,
    sign_in,
    submit,
)
from .walk_weeks import HOUSES, NEW_CITY, WEEK_2_HOUSES, write_weeks

# The module-scoped fixtures of test_pages_browser: here, a server on its own database.
__all__ = ["browser", "server", "service"]

USERS = {  # created by the admin on the users page
    "ana": ("relocation_staff", "Semana-uno-ANA-4417"),
    "oscar": ("employment_officer", "Oficial-de-casos-9082"),
    "pat": ("partner", "Socio-ACNUR-vista-3365"),
}
OSCAR_RESET = "Nueva-clave-oscar-7731"
HOUSING = resource_label("housing_units")
TIME_LIMIT = "3"


@pytest.fixture(scope="module")
def weeks(tmp_path_factory) -> tuple[Path, Path, Path]:
    return write_weeks(tmp_path_factory.mktemp("weeks"))


def housing(table) -> dict[str, tuple[float, float]]:
    """City -> the two numbers of its housing cell ("held / declared" on the Data page,
    "used / capacity" on a plan's page)."""
    column = table.locator("thead th").all_inner_texts().index(HOUSING)
    cells = {}
    for row in table.locator("tbody tr").all():
        texts = row.locator("th, td").all_inner_texts()
        first, second = re.match(r"([\d.]+) / ([\d.]+)", texts[column]).groups()
        cells[texts[0]] = (float(first), float(second))
    return cells


def housing_left(page, server: str | None = None) -> dict[str, float]:
    """City -> houses left, as the Data page tells them (opened first when ``server``
    is given)."""
    if server:
        page.goto(f"{server}/data")
    return {
        city: declared - held
        for city, (held, declared) in housing(page.locator("#capacity")).items()
    }


def plan_cities(page) -> dict[str, str]:
    """Family -> city ("—": none) on a plan's page."""
    rows = page.locator("#families tbody tr").all()
    return {cells[0]: cells[1] for cells in (r.locator("td").all_inner_texts() for r in rows)}


def without_charts(page) -> None:
    """The charts' library as a no-op from here on: the walk checks the map once (and
    the accessibility test every page); parsing 4.8 MB of JavaScript on each of the
    walk's dozens of plan pages would only add time."""
    stub = "window.Plotly = {newPlot: () => Promise.resolve(), purge() {}};"
    page.route(
        "**/static/plotly.min.js",
        lambda route: route.fulfill(body=stub, content_type="text/javascript"),
    )


def import_files(page, server: str, folder: Path) -> str:
    """Check then confirm every file of ``folder`` on the Data page; the status line."""
    page.goto(f"{server}/data")
    page.get_by_label("Archivos", exact=True).set_input_files(sorted(folder.glob("*.csv")))
    submit(page.get_by_role("button", name="Revisar"))
    assert page.locator("#problems").count() == 0, page.locator("main").inner_text()
    submit(page.get_by_role("button", name="Confirmar la importación"))
    return page.get_by_role("status").inner_text()


def start_plan(page, server: str, seasonal: bool = True, **weights: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Planes").click()
    page.get_by_label("Tiempo máximo de cálculo (segundos)").fill(TIME_LIMIT)
    page.get_by_label("Precios de temporada").set_checked(seasonal)
    for label, value in weights.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Calcular el plan").click()
    wait_for_draft(page)


def wait_for_draft(page) -> None:
    """Wait for the plan the page follows to finish, and for it to be a draft; else the
    page's words (its state, the solver's progress or error) say why."""
    finished = ", ".join(f"#plan-status.s-{s}" for s in ("draft", "failed", "cancelled"))
    try:
        page.locator(finished).wait_for(timeout=120_000)
    except playwright_api.TimeoutError:
        pytest.fail(
            f"no finished plan after 120 s at {page.url}: {page.locator('main').inner_text()}"
        )
    assert page.locator("#plan-status.s-draft").count(), page.locator("main").inner_text()


def decide(page, family: str, action: str, reason: str) -> None:
    """A decision about the family's planned city (the form's default)."""
    page.get_by_label("Familia", exact=True).select_option(family)
    page.get_by_label("Acción", exact=True).select_option(action)
    assert page.get_by_label("Ciudad", exact=True).input_value() == ""  # the plan's city
    page.get_by_label("Motivo", exact=True).fill(reason)
    submit(page.get_by_role("button", name="Registrar decisión"))
    assert reason in page.locator("#decisions").inner_text()


def reoptimize(page) -> None:
    """Re-optimise the draft: the new one says what changed, the old one is superseded
    and can no longer be approved."""
    old = page.url.split("#")[0]
    page.get_by_role("button", name="Re-optimizar").click()
    page.wait_for_url(lambda url: url.split("#")[0] != old)
    wait_for_draft(page)
    new = page.url
    assert page.locator("#changes").is_visible()
    page.goto(old)
    assert page.locator("#plan-status.s-superseded").is_visible()
    assert page.locator("#approve").is_disabled(), "a superseded draft is not approved"
    page.goto(f"{old}/approve")
    assert page.locator("#blockers").is_visible()
    assert page.get_by_role("button", name="Confirmar la aprobación").count() == 0
    page.goto(new)


def approve(page) -> int:
    """Approve the draft after the confirmation that says what approval does; its id."""
    plan = page.url.split("#")[0]
    page.get_by_role("link", name="Aprobar el plan").click()
    summary = page.locator("#approval-summary").inner_text()
    said = r"Al aprobar, el plan reubica a \d+ familias? \(\d+ personas?\) en \d+ ciudad"
    assert re.match(said, summary), summary
    submit(page.get_by_role("button", name="Confirmar la aprobación"))
    assert page.locator("#plan-status.s-approved").is_visible()
    return int(plan.rsplit("/", 1)[1])


def admin_creates_the_users(browser, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.get_by_role("navigation").get_by_role("link", name="Usuarios").click()
    for username, (role, password) in USERS.items():
        form = page.locator("form[action='/users']")
        form.get_by_label("Usuario", exact=True).fill(username)
        form.get_by_label("Rol", exact=True).select_option(role)
        form.get_by_label("Contraseña").fill(password)
        submit(form.get_by_role("button"))
        assert page.locator(f"#u-{username}").is_visible()
    # The officer forgot the password: a new one, which ends any open session.
    row = page.locator("#u-oscar")
    row.get_by_placeholder("Nueva contraseña").fill(OSCAR_RESET)
    submit(row.get_by_role("button", name="Guardar"))
    assert "oscar" in page.get_by_role("status").inner_text()
    shot(page, "30-walk-users")
    page.close()


def staff_week_one(browser, server: str, week: Path) -> tuple[dict[str, str], str, dict]:
    """Import, plan, review, approve, export and hand cases to the officer; returns the
    families given to the officer ({"stays": id, "leaves": id of a one-person family}),
    the city the one-person family went to and the houses left after approval."""
    page = sign_in(browser, server, "ana", USERS["ana"][1])
    assert "Importación guardada" in import_files(page, server, week)
    assert housing_left(page) == {c: float(n) for c, n in HOUSES.items()}
    shot(page, "31-walk-week1-imported")

    # Without seasonal pricing, every house a family is worth is taken, so week 2 meets
    # full cities (priced, a house may be kept for the families expected, and whether
    # one is depends on the match scores).
    start_plan(
        page,
        server,
        seasonal=False,
        **{
            "Peso de la ciudad que la familia prefiere": "0.1",
            "Cuota mínima de familias vulnerables (%)": "10",
        },
    )
    page.locator(".js-plotly-plot").first.wait_for()
    without_charts(page)
    planned = plan_cities(page)
    assert len(planned) == 10
    line = page.locator("#baseline").inner_text()
    assert re.fullmatch(
        r"Este plan: [\d.]+ puntos de afinidad; primero en llegar, primero en ser "
        r"atendido: [\d.]+\.",
        line,
    ), line
    assert "Cuota mínima de familias vulnerables: 10 %" in page.locator(".share").inner_text()
    shot(page, "32-walk-week1-draft")

    # Veto one family's city, lock another where the plan put it, take one back.
    placed = [(f, c) for f, c in planned.items() if c != "—"]
    (vetoed, vetoed_city), (locked, locked_city), (undone, _city) = placed[:3]
    decide(page, vetoed, "veto", "La familia no quiere ir a esa ciudad")
    decide(page, locked, "lock", "Tiene un hermano que trabaja allí")
    decide(page, undone, "veto", "Por error")
    decisions = page.locator("#decisions tbody tr")
    lock_row = decisions.filter(has_text="Tiene un hermano").locator("td").all_inner_texts()
    assert lock_row[1:3] == [locked, locked_city], "locked where it is"
    submit(decisions.filter(has_text="Por error").get_by_role("button", name="Deshacer"))
    assert "Por error" not in page.locator("#decisions").inner_text()
    assert page.locator("#approve").is_disabled(), "decisions wait for a re-optimisation"
    reoptimize(page)
    plan_id = approve(page)
    after = plan_cities(page)
    assert after[vetoed] != vetoed_city and after[locked] == locked_city
    # The English page gives the reasons in English.
    page.get_by_role("link", name="English").click()
    reasons = page.locator("#families tbody tr td:last-child").all_inner_texts()
    assert all(
        r.startswith(("Goes to", "Placed in", "Not relocated", "No possible")) for r in reasons
    ), reasons
    page.get_by_role("link", name="Español").click()
    shot(page, "33-walk-week1-approved")

    # The move list for the buses: one row per family that travels, without names.
    page.get_by_role("navigation").get_by_role("link", name="Exportar").click()
    assert page.locator("#m-plan option").all_inner_texts()[0].startswith(f"Plan {plan_id}")
    with page.expect_download() as download:
        page.locator("a[href='/exports/moves.csv']").click()
    moves = Path(download.value.path()).read_text(encoding="utf-8-sig")
    travelling = {f for f, c in after.items() if c != "—"}
    rows = list(csv.DictReader(moves.splitlines()))
    assert {(r["family_id"], r["city"]) for r in rows} == {(f, after[f]) for f in travelling}
    assert "Mejía" not in moves, "no names on the move list"

    # Arrivals: a one-person family and, in a family with a child, an adult and the
    # child; a child is never hired.
    page.goto(f"{server}/placements")
    families = page.locator("#placements tbody")
    assert families.count() == len(travelling)
    single = next(b for b in families.all() if b.locator("tr.member").count() == 1)
    adults = "tr.member:has([name=officer])"
    group = next(
        b
        for b in families.all()
        if b.locator(adults).count() and b.locator("tr.member:not(:has([name=officer]))").count()
    )
    given = {
        "leaves": single.get_attribute("id").removeprefix("f-"),
        "stays": group.get_attribute("id").removeprefix("f-"),
    }
    child = f"#f-{given['stays']} tr.member:not(:has([name=officer]))"
    for row in (f"#f-{given['leaves']} tr.member", f"#f-{given['stays']} {adults}", child):
        member = page.locator(row).first
        member.get_by_label("Nuevo estado").select_option("moved")
        submit(member.get_by_role("button", name="Guardar"))
        assert page.get_by_role("status").is_visible()
    page.locator(child).first.get_by_label("Nuevo estado").select_option("hired")
    submit(page.locator(child).first.get_by_role("button", name="Guardar"))
    assert "18 a 64" in page.get_by_role("alert").first.inner_text()

    # To the officer: one person, then a whole family at once (its working-age members).
    single = page.locator(f"#f-{given['leaves']} tr.member")
    single.get_by_label("Oficial de empleo").select_option("oscar")
    submit(single.get_by_role("button", name="Asignar"))
    assert single.get_by_label("Oficial de empleo").input_value() == "oscar"
    box = page.locator(f"#f-{given['stays']}")
    box.get_by_label(f"Oficial de la familia {given['stays']}").select_option("oscar")
    submit(box.get_by_role("button", name="Asignar a la familia"))
    assert all(
        row.get_by_label("Oficial de empleo").input_value() == "oscar"
        for row in box.locator(adults).all()
    )
    assert "Fuera de la edad laboral" in page.locator(child).first.inner_text()
    shot(page, "34-walk-week1-placements")
    left = housing_left(page, server)
    page.close()
    return given, after[given["leaves"]], left


def officer_follows_up(browser, server: str, given: dict[str, str]) -> None:
    page = browser.new_page()
    page.goto(f"{server}/sign-in")
    page.get_by_label("Usuario").fill("oscar")
    page.get_by_label("Contraseña").fill(USERS["oscar"][1])
    submit(page.get_by_role("button", name="Entrar"))
    assert page.get_by_role("alert").is_visible(), "the password before the reset is refused"
    page.close()
    page = sign_in(browser, server, "oscar", OSCAR_RESET)
    page.get_by_role("navigation").get_by_role("link", name="Reubicaciones").click()
    assert page.locator(".pager .count").first.inner_text() == "1–2 de 2"
    assert {b.get_attribute("id") for b in page.locator("#placements tbody").all()} == {
        f"f-{f}" for f in given.values()
    }
    shot(page, "35-walk-my-cases")

    # A case file from "Mis casos"; then the person found on the candidates page, the
    # vacancies that suit them with reasons, and the people who suit one of those.
    adult = page.locator(f"#f-{given['stays']} tr.member").first
    person = adult.locator(".pid").inner_text()
    submit(adult.locator("a.pid"))
    assert person in page.locator("#profile").inner_text()
    page.get_by_role("navigation").get_by_role("link", name="Candidatos").click()
    page.get_by_label("Nombre o identificador").fill(person)
    submit(page.get_by_role("button", name="Buscar").first)
    submit(page.locator("#found a").first)
    matches = page.locator("#person-matches tbody tr")
    matches.first.wait_for(timeout=60_000)  # (a page still preparing reloads itself)
    first = matches.first.locator("td").all_inner_texts()
    why = first[3]  # #, vacancy, city, why, eligibility
    assert why.startswith("Afinidad ") and "ESCO" in why, first  # the sentence, then its codes
    submit(matches.first.locator("a").first)
    page.locator("#vacancy-matches").wait_for(timeout=60_000)
    shot(page, "36-walk-candidates")

    # A hire; the one-person family leaves the city.
    page.get_by_role("navigation").get_by_role("link", name="Reubicaciones").click()
    for family, status in ((given["stays"], "hired"), (given["leaves"], "left")):
        row = page.locator(f"#f-{family} tr.member").first
        row.get_by_label("Nuevo estado").select_option(status)
        submit(row.get_by_role("button", name="Guardar"))
        assert page.get_by_role("status").is_visible()
        assert row.get_by_label("Nuevo estado").input_value() == status
    page.close()


def staff_week_two(
    browser, server: str, week: Path, given: dict[str, str], gone_from: str, approved: dict
) -> None:
    page = sign_in(browser, server, "ana", USERS["ana"][1])
    without_charts(page)
    before = housing_left(page, server)
    # The family that left gave its house back.
    assert before == approved | {gone_from: approved[gone_from] + 1}, (approved, before)
    # The other family's case file: each member's history, and who recorded what.
    page.get_by_role("navigation").get_by_role("link", name="Expedientes").click()
    page.locator("#q").fill(given["stays"])
    submit(page.locator("form[action='/files'] button"))
    assert page.url.endswith(f"/families/{given['stays']}")
    history = " ".join(page.locator("table.events tbody").all_inner_texts())
    assert "ana" in history and "oscar" in history, history
    # One placement's own page: the hire the officer recorded, with who recorded it.
    hired = page.locator("h3").filter(has_text="Contratada").first
    submit(hired.locator("a[href$='/history']"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Reubicación ")
    rows = page.locator("table.events tbody tr").all_inner_texts()
    assert any("Contratada" in r and "oscar" in r for r in rows), rows
    status = import_files(page, server, week)
    assert "Importación guardada" in status
    left = housing_left(page)
    assert left == before | {NEW_CITY["city"]: WEEK_2_HOUSES[NEW_CITY["city"]]}, left
    full = {c for c, n in left.items() if n <= 0}
    assert full, f"week 1 filled a city: {left}"

    # The same person registered again: the import links to the duplicates to decide.
    submit(page.get_by_role("status").locator("a[href='/duplicates']"))
    flag = page.locator("#duplicates tbody tr").filter(has_text="W2-P00001-1")
    assert flag.count() == 1 and "P1" in flag.inner_text()
    flag.get_by_label("Decisión").select_option("distinct")
    flag.get_by_label("Nota").fill("Otra persona: distinta fecha de llegada")
    submit(flag.get_by_role("button", name="Guardar"))
    assert page.get_by_role("status").is_visible()

    # Week 2 plans with what week 1 left: no family where week 1 filled the city.
    start_plan(page, server)
    planned = plan_cities(page)
    assert any(f.startswith("W2-") for f in planned)
    assert given["leaves"] not in planned and given["stays"] not in planned
    taken = pd.Series([c for c in planned.values() if c != "—"]).value_counts().to_dict()
    assert all(n <= left[city] for city, n in taken.items()), (taken, left)
    assert not full & set(taken), (full, taken)
    # The plan's page: each city's houses this plan uses out of those left.
    assert housing(page.locator("#usage")) == {c: (taken.get(c, 0), n) for c, n in left.items()}
    shot(page, "37-walk-week2-draft")
    approve(page)
    shot(page, "38-walk-week2-approved")
    left_now = housing_left(page, server)
    assert all(n >= 0 for n in left_now.values()), left_now
    page.close()


def staff_train_the_outcome_model(browser, server: str, history: Path) -> None:
    """A past cohort's outcomes imported, a model version trained on the page: its
    quality and its error per group shown, and it becomes the active version."""
    page = sign_in(browser, server, "ana", USERS["ana"][1])
    assert "Importación guardada" in import_files(page, server, history)
    page.get_by_role("navigation").get_by_role("link", name="Modelo de resultados").click()
    submit(page.get_by_role("button", name="Entrenar una nueva versión"))
    assert page.get_by_role("status").inner_text() == "Versión entrenada y activa: 1."
    version = page.locator("#models tbody tr").first.locator("td").all_inner_texts()
    assert version[0] == "1" and version[1] == "Activa" and version[2].startswith("ana"), version
    brier = float(version[5])
    assert 0 < brier < 0.25, version
    groups = page.locator("#per-group tbody tr td:first-child").all_inner_texts()
    assert set(groups) == {"Nacionalidad", "Sexo", "Primer idioma", "Grupo de edad"}, groups
    shot(page, "39-walk-outcome-model")
    page.close()


def partner_sees_aggregates_only(browser, server: str, weeks: tuple[Path, Path]) -> None:
    page = sign_in(browser, server, "pat", USERS["pat"][1])
    assert page.url.endswith("/monitoring")
    page.locator("#by-city").wait_for()
    text = page.content()
    names = set()
    for week in weeks:
        with open(week / "people.csv", encoding="utf-8") as handle:
            names |= {row["full_name"] for row in csv.DictReader(handle) if row["full_name"]}
    assert names and not [n for n in names if n in text], "a partner sees no names"
    assert "P1" not in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Indicadores por ciudad").click()
    assert download.value.suggested_filename == "indicadores_city.csv"
    # Personal pages and staff pages: refused with a page in Spanish, not JSON.
    for path, code in (
        ("/people/P1", 403),
        ("/families/F1", 403),
        ("/plans", 403),
        ("/exports/moves.csv", 403),
        ("/no-such-page", 404),
    ):
        response = page.goto(f"{server}{path}")
        assert response.status == code, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.get_by_role("alert").is_visible(), path
    shot(page, "40-walk-partner-refused")
    # The API takes bearer tokens only: the page's cookie signs no one in there.
    response = page.goto(f"{server}/api/v1/people")
    assert response.status == 401 and response.headers["content-type"] == "application/json"
    page.close()


def admin_reads_the_audit_log(browser, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.get_by_role("navigation").get_by_role("link", name="Bitácora").click()
    expected = {
        "admin": {"user_create", "user_change"},
        "ana": {
            "import",
            "plan_start",
            "plan_approve",
            "duplicate_review",
            "export",
            "model_retrain",
        },
        "oscar": {"placement_event"},
    }
    for username, actions in expected.items():
        page.locator("#f-user").select_option(username)
        submit(page.get_by_role("button", name="Filtrar"))
        done = set(page.locator("#audit tbody tr td:nth-child(3)").all_inner_texts())
        assert {AUDIT[action] for action in actions} <= done, (username, done)
    shot(page, "41-walk-audit")
    page.close()


def test_two_weeks_of_every_role_on_the_pages_alone(browser, server, weeks):
    week_one, week_two, history = weeks
    admin_creates_the_users(browser, server)
    given, gone_from, approved = staff_week_one(browser, server, week_one)
    officer_follows_up(browser, server, given)
    staff_week_two(browser, server, week_two, given, gone_from, approved)
    staff_train_the_outcome_model(browser, server, history)
    partner_sees_aggregates_only(browser, server, (week_one, week_two))
    admin_reads_the_audit_log(browser, server)
