"""The pages that were API-only before: case files, duplicate review, the outcome
model, users and the audit log, exports, and error pages. Who may open each, what an
officer sees of a person outside their cases, exports read back, and errors in the
page's language."""

import csv
import datetime as dt
import gzip
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from arraigo.api.db import AuditEntry, DuplicateFlag, Placement, PlacementEvent, Token, User
from arraigo.api.deps import NOT_SIGNED_IN
from arraigo.api.services.audit import audit
from arraigo.api.web.messages import in_language
from arraigo.api.web.static import PLOTLY

from .conftest import approve_families
from .test_pages import signed_in

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def placed(app, loaded):
    """The good corpus stored and family F1 (P1 to P4) approved into Saltillo, with a
    note on P1's placement that names her."""
    approve_families(app, loaded, {"F1": "Saltillo"})
    with app.state.sessions() as session:
        first = session.scalar(select(Placement).where(Placement.person_id == "P1"))
        session.add(
            PlacementEvent(
                placement_id=first.id,
                status="moved",
                date=dt.date.today(),
                note="Yeni llegó al albergue",
                created_by="relocation_staff",
            )
        )
        first.status = "moved"
        session.commit()
        return first.id


ALL = {"admin", "relocation_staff", "employment_officer", "partner"}
STAFF = {"admin", "relocation_staff"}


def test_each_role_opens_only_the_new_pages_it_may(app, placed):
    paths = {
        "/files": STAFF | {"employment_officer"},
        "/people/P1": STAFF | {"employment_officer"},
        "/families/F1": STAFF,
        f"/placements/{placed}/history": STAFF,  # an officer: only their cases
        "/duplicates": STAFF,
        "/models": STAFF,
        "/exports": STAFF | {"employment_officer"},
        "/exports/moves.csv": STAFF,
        "/exports/placements.csv": STAFF | {"employment_officer"},
        "/users": {"admin"},
        "/audit": {"admin"},
    }
    for role in sorted(ALL):
        client = signed_in(app, role)
        for path, allowed in paths.items():
            response = client.get(path, headers=HTML)
            assert response.status_code == (200 if role in allowed else 403), (role, path)
            if response.status_code == 200 and "html" in response.headers["content-type"]:
                assert response.headers["cache-control"] == "no-store", path
    admin = signed_in(app, "admin")
    admin.get("/language/en")
    english = {path: admin.get(path).text for path in paths if "." not in path}
    assert "Case file of" in english["/people/P1"] and "Audit log" in english["/audit"]
    assert not [p for p, text in english.items() if "Expediente" in text or "Guardar" in text]


def test_an_officer_sees_a_persons_name_and_notes_only_once_she_is_their_case(app, placed):
    officer = signed_in(app, "employment_officer")
    page = officer.get("/people/P1").text
    assert "Yeni" not in page and "+52" not in page and "constancia" not in page
    assert "Solo ve los datos personales" in page
    staff = signed_in(app, "relocation_staff")
    staff.post(f"/placements/{placed}/officer", data={"officer": "employment_officer"})
    page = officer.get("/people/P1").text
    assert "Yeni Mejía" in page and "Yeni llegó al albergue" in page and "constancia" in page
    history = officer.get(f"/placements/{placed}/history")
    assert history.status_code == 200 and "Trasladada" in history.text
    # The family's other members are followed cases now, but families stay staff-only.
    assert officer.get("/families/F1").status_code == 403


def test_staff_read_a_familys_file_and_correct_an_occupation(app, placed):
    staff = signed_in(app, "relocation_staff")
    family = staff.get("/families/F1").text
    assert "Yeni Mejía" in family and "Wilmer Mejía" in family and "Tapachula" in family
    assert staff.get("/files?q=F1").headers["location"] == "/families/F1"
    assert staff.get("/files?q=P2").headers["location"] == "/people/P2"
    assert "No hay ninguna persona ni familia" in staff.get("/files?q=nadie").text
    response = staff.post("/people/P2/occupation", data={"isco": "7112", "note": "Albañil"})
    assert response.status_code == 303
    page = staff.get("/people/P2").text
    assert "7112" in page and "Albañil" in page
    refused = staff.post("/people/P2/occupation", data={"isco": "71"})
    assert "cuatro cifras" in refused.text


def test_a_password_reset_on_the_users_page_signs_the_user_out(app):
    officer = signed_in(app, "employment_officer")
    assert officer.get("/candidates").status_code == 200
    admin = signed_in(app, "admin")
    weak = admin.post(
        "/users/employment_officer", data={"role": "employment_officer", "password": "123"}
    )
    assert "al menos 12 caracteres" in weak.text and "the password" not in weak.text
    new = "un-río-de-tapachula-a-saltillo"
    response = admin.post(
        "/users/employment_officer",
        data={"role": "employment_officer", "active": "true", "password": new},
    )
    assert response.status_code == 303
    assert officer.get("/candidates").status_code == 303, "the old session has ended"
    with app.state.sessions() as session:
        user = session.scalar(select(User).where(User.username == "employment_officer"))
        assert user.active and session.scalar(select(Token).where(Token.user_id == user.id)) is None
    created = admin.post(
        "/users", data={"username": "lucia.sne", "role": "partner", "password": new}
    )
    assert created.status_code == 303
    assert "lucia.sne" in admin.get("/users").text


def test_the_audit_log_filters_by_user_action_and_date_a_page_at_a_time(app):
    with app.state.sessions() as session:
        for i in range(55):
            audit(session, "relocation_staff", "placement_event", "placement", i)
        audit(session, "admin", "user_change", "user", "ana")
        session.commit()
    admin = signed_in(app, "admin")
    page = admin.get("/audit").text
    assert "1–50 de 56" in page and 'rel="next"' in page
    second = admin.get("/audit?offset=50").text
    assert "51–56 de 56" in second and 'rel="prev"' in second
    mine = admin.get("/audit?username=admin&action=user_change").text
    assert "1–1 de 1" in mine
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "Ninguna entrada" in admin.get(f"/audit?since={tomorrow}").text
    assert "1–50 de 56" in admin.get(f"/audit?since={today}&until={today}").text
    assert "1–50 de 56" in admin.get("/audit?until=9999-12-31").text  # the last day there is
    with app.state.sessions() as session:
        assert session.query(AuditEntry).count() == 56


def test_duplicate_review_records_the_decision_and_who_made_it(app, loaded):
    with app.state.sessions() as session:
        flag = DuplicateFlag(person_a="P1", person_b="P2", reason="same_phone")
        session.add(flag)
        session.commit()
        flag_id = flag.id
    staff = signed_in(app, "relocation_staff")
    page = staff.get("/duplicates").text
    assert "Yeni Mejía" in page and "mismo teléfono" in page
    refused = staff.post(f"/duplicates/{flag_id}", data={"decision": "distinct", "note": " "})
    assert "Escriba por qué" in refused.text
    response = staff.post(
        f"/duplicates/{flag_id}", data={"decision": "distinct", "note": "Esposos, un teléfono"}
    )
    assert response.status_code == 303
    assert "Nada que revisar" in staff.get("/duplicates").text
    assert "Esposos, un teléfono" in staff.get("/duplicates?status=distinct").text


def test_exports_read_back_as_csv_and_excel(app, placed):
    staff = signed_in(app, "relocation_staff")
    moves = list(csv.DictReader(io.StringIO(staff.get("/exports/moves.csv").text)))
    assert moves == [
        {
            "family_id": "F1",
            "people": "4",
            "origin": "Tapachula",
            "city": "Saltillo",
            "date": dt.date.today().isoformat(),
            "plan_id": moves[0]["plan_id"],
        }
    ]
    book = load_workbook(io.BytesIO(staff.get("/exports/placements.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("placement_id", "plan_id", "family_id", "person_id")
    assert sorted(r[3] for r in rows[1:]) == ["P1", "P2", "P3", "P4"]
    assert not any("Mejía" in str(cell) for row in rows for cell in row), "no names"
    plan = rows[1][1]
    table = load_workbook(io.BytesIO(staff.get(f"/exports/plans/{plan}.xlsx").content))
    assert list(table.active.iter_rows(values_only=True))[1][:3] == ("F1", "Saltillo", 4)
    # An officer exports only their cases: none yet.
    officer = signed_in(app, "employment_officer")
    own = officer.get("/exports/placements.csv").text.strip().splitlines()
    assert own == [",".join(rows[0])]
    # Every download is in the audit log, with who took it.
    with app.state.sessions() as session:
        taken = session.execute(
            select(AuditEntry.username, AuditEntry.entity).where(AuditEntry.action == "export")
        ).all()
    assert sorted(taken) == [
        ("employment_officer", "placements"),
        ("relocation_staff", "move_list"),
        ("relocation_staff", "placements"),
        ("relocation_staff", "plan"),
    ]


def test_the_events_api_keeps_notes_about_people_an_officer_does_not_follow(app, placed, as_role):
    staff = signed_in(app, "relocation_staff")
    staff.post(f"/placements/{placed}/officer", data={"officer": "employment_officer"})
    with app.state.sessions() as session:
        other = session.scalar(select(Placement).where(Placement.person_id == "P2"))
        note = "Wilmer: tratamiento en clínica"
        session.add(
            PlacementEvent(
                placement_id=other.id,
                status="moved",
                date=dt.date.today(),
                note=note,
                created_by="relocation_staff",
            )
        )
        other.status, other_id = "moved", other.id
        session.commit()
    officer = as_role("employment_officer")
    # The officer follows the family through P1, but P2 is not their case: as on the
    # case file, the history without the note.
    events = officer.get(f"/api/v1/placements/{other_id}/events")
    assert events.status_code == 200 and events.json()
    assert {e["note"] for e in events.json()} == {None}
    own = officer.get(f"/api/v1/placements/{placed}/events").json()
    assert "Yeni llegó al albergue" in [e["note"] for e in own]
    seen_by_staff = as_role("relocation_staff").get(f"/api/v1/placements/{other_id}/events")
    assert note in [e["note"] for e in seen_by_staff.json()]


def test_errors_are_pages_in_the_page_language_and_json_for_programs(app, as_role):
    staff = signed_in(app, "relocation_staff")
    missing = staff.get("/no-such-page", headers=HTML)
    assert missing.status_code == 404 and "No existe esta página." in missing.text
    assert '"detail"' not in missing.text
    assert "No existe el plan 999." in staff.get("/plans/999", headers=HTML).text
    vacancy = staff.get("/candidates?vacancy_id=Soldador").text
    assert "No existe la vacante «Soldador»." in vacancy and "No vacanc" not in vacancy
    refused = staff.post("/models")
    assert "No hay personas ni vacantes registradas" in refused.text
    assert "nothing to learn" not in refused.text
    api = as_role("relocation_staff")
    assert api.get("/api/v1/nothing").json() == {"detail": "Not Found"}
    assert staff.get("/no-such-page").status_code == 404  # no HTML asked: JSON
    assert staff.get("/no-such-page").json() == {"detail": "Not Found"}
    staff.get("/language/en")
    english = staff.get("/no-such-page", headers=HTML).text
    assert "This page does not exist." in english and "ESCO classification" in english
    assert "No plan 999." in staff.get("/plans/999", headers=HTML).text


def test_plotly_travels_gzipped_to_browsers_that_accept_it(app):
    """4.8 MB of plotly.js reach the southern offices as about 1.5 MB."""
    client = signed_in(app, "partner")
    with client.stream("GET", "/static/plotly.min.js", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
    assert len(raw) < 1_600_000 < PLOTLY.stat().st_size
    assert gzip.decompress(raw) == PLOTLY.read_bytes()
    plain = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == PLOTLY.read_bytes()


def test_a_services_message_reads_in_the_page_language():
    assert in_language("No vacancy 'Soldador'.", "es") == "No existe la vacante «Soldador»."
    assert in_language("No vacancy 'Soldador'.", "en") == "No vacancy 'Soldador'."
    placed = "Ya reubicadas por otro plan / already placed: F1, F2"
    assert in_language(placed, "es") == "Ya reubicadas por otro plan: F1, F2"
    assert in_language(placed, "en") == "Already placed: F1, F2"
    # English first in this one: each half still goes to its language.
    assert in_language(NOT_SIGNED_IN, "es") == "Sesión no iniciada o vencida."
    assert in_language(NOT_SIGNED_IN, "en").startswith("Not signed in")
    short = (
        "No cabe en lo que queda / not enough room left: Saltillo: vivienda. "
        "Re-optimice el plan con lo que queda / re-optimise the plan."
    )
    assert in_language(short, "es") == (
        "No cabe en lo que queda: Saltillo: vivienda. Re-optimice el plan con lo que queda."
    )
    assert in_language("La fecha está en el futuro / the date is in the future.", "es") == (
        "La fecha está en el futuro."
    )
    assert in_language("La fecha está en el futuro / the date is in the future.", "en") == (
        "The date is in the future."
    )
    closed = "The vacancy 'V9' is closed (0 positions)."
    assert in_language(closed, "es") == "La vacante «V9» está cerrada: no le quedan puestos."
    status = in_language("The plan is approved.", "es", {"approved": "Aprobado"}.get)
    assert status == "El plan ya no puede cambiar: está «Aprobado»."


def test_the_last_admin_stays_and_no_case_goes_to_a_deactivated_officer(app, placed, as_role):
    admin = as_role("admin")
    lockout = admin.patch("/api/v1/users/admin", json={"role": "partner"})
    assert lockout.status_code == 409 and "administrador activo" in lockout.json()["detail"]
    page = signed_in(app, "admin").post("/users/admin", data={"role": "admin"})  # unticked
    assert "administrador activo" in page.text
    retired = admin.patch("/api/v1/users/employment_officer", json={"active": False})
    assert retired.status_code == 200
    staff = as_role("relocation_staff")
    given = staff.patch(f"/api/v1/placements/{placed}", json={"officer": "employment_officer"})
    assert given.status_code == 422 and "activo" in given.json()["detail"]


def test_a_pages_message_never_comes_from_its_address(app):
    staff, admin = signed_in(app, "relocation_staff"), signed_in(app, "admin")
    lure = "Su cuenta fue bloqueada. Llame al +52 55 1234 5678"
    missing = staff.get(f"/people/{lure}", headers=HTML)
    assert missing.status_code == 404 and lure not in missing.text  # (the link back quotes it)
    assert "No existe lo que busca" in missing.text
    assert lure not in admin.get("/users", params={"saved": lure}).text
    assert "Cambios guardados" in admin.get("/users", params={"saved": "admin"}).text
