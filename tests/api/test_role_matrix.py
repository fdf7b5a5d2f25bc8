"""Every endpoint x every role: 401 without sign-in, 403 for a role that may not, and
for a role that may, an answer that is neither (200 where the request is complete)."""

import datetime as dt

import pytest

from arraigo.api.db import PlanJob

from .conftest import PASSWORD, ROLES, approve_families

STAFF = {"admin", "relocation_staff"}
WORKERS = STAFF | {"employment_officer"}
EVERYONE = set(ROLES)

# (method, path) -> roles allowed. The contract: a new endpoint must be added here.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("POST", "/auth/logout"): EVERYONE,
    ("GET", "/api/v1/me"): EVERYONE,
    ("GET", "/api/v1/users"): {"admin"},
    ("POST", "/api/v1/users"): {"admin"},
    ("PATCH", "/api/v1/users/{username}"): {"admin"},
    ("POST", "/api/v1/imports"): WORKERS,
    ("GET", "/api/v1/imports"): WORKERS,
    ("GET", "/api/v1/people"): WORKERS,
    ("GET", "/api/v1/people/{person_id}"): WORKERS,
    ("GET", "/api/v1/people/{person_id}/history"): STAFF,
    ("PUT", "/api/v1/people/{person_id}/occupation"): WORKERS,
    ("DELETE", "/api/v1/people/{person_id}/personal-data"): STAFF,
    ("GET", "/api/v1/families"): STAFF,
    ("GET", "/api/v1/destinations"): EVERYONE,
    ("GET", "/api/v1/vacancies"): WORKERS,
    ("GET", "/api/v1/duplicates"): STAFF,
    ("POST", "/api/v1/duplicates/{flag_id}"): STAFF,
    ("GET", "/api/v1/people/{person_id}/matches"): WORKERS,
    ("GET", "/api/v1/vacancies/{vacancy_id}/candidates"): WORKERS,
    ("GET", "/api/v1/plans"): STAFF,
    ("POST", "/api/v1/plans"): STAFF,
    ("GET", "/api/v1/plans/{plan_id}"): STAFF,
    ("POST", "/api/v1/plans/{plan_id}/cancel"): STAFF,
    ("POST", "/api/v1/plans/{plan_id}/decisions"): STAFF,
    ("GET", "/api/v1/plans/{plan_id}/decisions"): STAFF,
    ("POST", "/api/v1/plans/{plan_id}/reoptimize"): STAFF,
    ("DELETE", "/api/v1/plans/{plan_id}/decisions/{decision_id}"): STAFF,
    ("GET", "/api/v1/plans/{plan_id}/changes"): STAFF,
    ("GET", "/api/v1/plans/{plan_id}/approval"): STAFF,
    ("POST", "/api/v1/plans/{plan_id}/approve"): STAFF,
    ("GET", "/api/v1/placements"): WORKERS,
    ("PATCH", "/api/v1/placements/{placement_id}"): STAFF,
    ("POST", "/api/v1/placements/assign"): STAFF,
    ("GET", "/api/v1/placements/due"): WORKERS,
    ("GET", "/api/v1/placements/{placement_id}/events"): WORKERS,
    ("POST", "/api/v1/placements/{placement_id}/events"): WORKERS,
    ("GET", "/api/v1/monitoring/indicators"): EVERYONE,
    ("GET", "/api/v1/monitoring/capacity"): EVERYONE,
    ("GET", "/api/v1/audit"): {"admin"},
    ("GET", "/api/v1/models"): STAFF,
    ("POST", "/api/v1/models/retrain"): STAFF,
}
OPEN = {("GET", "/health"), ("POST", "/auth/token")}

BODIES = {
    ("POST", "/api/v1/users"): {
        "json": {"username": "nuevo", "role": "partner", "password": "una-clave-larga"}
    },
    ("PATCH", "/api/v1/users/{username}"): {"json": {"active": True}},
    ("PUT", "/api/v1/people/{person_id}/occupation"): {"json": {"isco": "7212"}},
    ("POST", "/api/v1/duplicates/{flag_id}"): {"json": {"status": "distinct", "note": "no"}},
    ("POST", "/api/v1/plans"): {"json": {"time_limit": 1}},
    ("POST", "/api/v1/plans/{plan_id}/decisions"): {
        "json": {"family_id": "F1", "action": "lock", "city": "Saltillo", "reason": "vínculos"}
    },
    ("PATCH", "/api/v1/placements/{placement_id}"): {"json": {"officer": "employment_officer"}},
    ("POST", "/api/v1/placements/assign"): {
        "json": {"officer": "employment_officer", "family_id": "F1"}
    },
    ("POST", "/api/v1/placements/{placement_id}/events"): {
        "json": {"status": "moved", "date": dt.date.today().isoformat()}
    },
    ("POST", "/api/v1/imports"): {"files": [("files", ("vacancies.csv", b"vacancy_id\n"))]},
}


def test_the_matrix_covers_every_endpoint(app):
    documented = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    assert documented == set(MATRIX) | OPEN


@pytest.fixture
def ids(app, loaded):
    """Real ids for path parameters: a person, a vacancy, a draft plan, a placement."""
    with app.state.sessions() as session:
        result = {
            "status": "optimal",
            "families": [{"family_id": "F1", "city": "Saltillo", "reason": "prueba"}],
            "members": [{"person_id": "P1", "vacancy_id": None}],
            "usage": [],
        }
        draft = PlanJob(created_by="relocation_staff", status="draft", params={}, result=result)
        session.add(draft)
        session.commit()
        plan_id = draft.id
    approved = loaded.post(f"/api/v1/plans/{plan_id}/approve")
    assert approved.status_code == 200, approved.text
    placement = loaded.get("/api/v1/placements").json()[0]["id"]
    # The officer's own case: officers read and write only theirs (tested below).
    mine = {"officer": "employment_officer"}
    assert loaded.patch(f"/api/v1/placements/{placement}", json=mine).status_code == 200
    # A second draft, so decisions and approvals have a draft to act on.
    with app.state.sessions() as session:
        other = PlanJob(created_by="relocation_staff", status="draft", params={}, result=result)
        session.add(other)
        session.commit()
        plan_id = other.id
    return {
        "person_id": "P1",
        "vacancy_id": "V1",
        "plan_id": plan_id,
        "placement_id": placement,
        "username": "partner",
        "flag_id": 1,
        "decision_id": 1,
    }


def _call(client, method: str, path: str, ids: dict):
    url = path.format(**ids)
    return client.request(method, url, **BODIES.get((method, path), {}))


def test_anonymous_callers_are_refused_everywhere(anonymous, ids):
    for method, path in sorted(MATRIX):
        assert _call(anonymous, method, path, ids).status_code == 401, (method, path)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_endpoints(as_role, role, ids):
    client = as_role(role)
    for (method, path), allowed in sorted(MATRIX.items()):
        if (method, path) == ("POST", "/auth/logout"):
            continue  # would sign this client out for the rest of the loop
        response = _call(client, method, path, ids)
        if role not in allowed:
            assert response.status_code == 403, (method, path, role, response.text)
        else:
            assert response.status_code not in (401, 403, 500), (method, path, role, response.text)
            if method == "GET":
                assert response.status_code == 200, (method, path, role, response.text)
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


# Inside the employment officer's role, least privilege (services/privacy.py): their
# cases are the placements assigned to them and those of the families they follow.
SENSITIVE = ("full_name", "phone", "nationality", "health_needs", "documents", "skills_text")


@pytest.fixture
def cases(app, loaded, as_role):
    """Families F1 (P1-P4) and F2 (P5-P7) placed; P2 is officer 1's, P5 officer 2's."""
    admin = as_role("admin")
    second = {"username": "oficial2", "role": "employment_officer", "password": PASSWORD}
    assert admin.post("/api/v1/users", json=second).status_code == 201
    approve_families(app, loaded, {"F1": "Saltillo", "F2": "Monterrey"})
    placed = {p["person_id"]: p["id"] for p in loaded.get("/api/v1/placements").json()}
    for person, officer in (("P2", "employment_officer"), ("P5", "oficial2")):
        assigned = loaded.patch(f"/api/v1/placements/{placed[person]}", json={"officer": officer})
        assert assigned.status_code == 200
    return placed


def event(**extra) -> dict:
    return {"status": "moved", "date": dt.date.today().isoformat(), **extra}


def test_an_officer_reads_and_writes_only_their_cases(as_role, cases):
    officer = as_role("employment_officer")
    own, family, other = cases["P2"], cases["P3"], cases["P5"]
    for placement in (own, family):  # assigned, and of the family they follow
        assert officer.get(f"/api/v1/placements/{placement}/events").status_code == 200
        posted = officer.post(f"/api/v1/placements/{placement}/events", json=event())
        assert posted.status_code == 201
    # Another officer's case: neither read nor written, and it stays as it was.
    assert officer.get(f"/api/v1/placements/{other}/events").status_code == 403
    left = event(status="left", vacancy_id="V1")
    assert officer.post(f"/api/v1/placements/{other}/events", json=left).status_code == 403
    staff_view = as_role("relocation_staff").get(f"/api/v1/placements/{other}/events").json()
    assert [e["status"] for e in staff_view] == ["proposed"]
    listed = {p["person_id"] for p in officer.get("/api/v1/placements").json()}
    assert listed == {"P1", "P2", "P3", "P4"}
    year = {"within_days": 365}
    due = {f["person_id"] for f in officer.get("/api/v1/placements/due", params=year).json()}
    assert due and due <= listed
    staff = as_role("relocation_staff").get("/api/v1/placements/due", params=year).json()
    assert "P5" in {f["person_id"] for f in staff}


def test_staff_read_and_write_every_placement(as_role, cases):
    # The next status each time: the pipeline allows no repeat of "moved".
    for role, status in (("relocation_staff", "moved"), ("admin", "interviewed")):
        client = as_role(role)
        assert len(client.get("/api/v1/placements").json()) == 7
        posted = client.post(f"/api/v1/placements/{cases['P5']}/events", json=event(status=status))
        assert posted.status_code == 201


def test_an_officer_sees_sensitive_fields_only_of_the_people_assigned_to_them(as_role, cases):
    officer = as_role("employment_officer")
    people = {p["person_id"]: p for p in officer.get("/api/v1/people").json()["items"]}
    assert all(people["P2"][field] is not None for field in ("full_name", "nationality"))
    for person in ("P1", "P5", "P9"):  # family, another officer's, nobody's
        assert all(people[person][field] is None for field in SENSITIVE), person
        assert people[person]["age"] is not None  # matching needs it
        one = officer.get(f"/api/v1/people/{person}").json()
        assert all(one[field] is None for field in SENSITIVE), person
    staff = as_role("relocation_staff").get("/api/v1/people/P5").json()
    assert all(staff[field] is not None for field in ("full_name", "nationality", "skills_text"))


def test_an_event_naming_a_vacancy_that_does_not_exist_is_refused(as_role, cases):
    officer = as_role("employment_officer")
    url = f"/api/v1/placements/{cases['P2']}/events"
    assert officer.post(url, json=event()).status_code == 201  # moved: a hire comes after
    refused = officer.post(url, json=event(status="hired", vacancy_id="NO-SUCH-VACANCY"))
    assert refused.status_code == 422
    assert officer.post(url, json=event(status="hired", vacancy_id="V1")).status_code == 201
