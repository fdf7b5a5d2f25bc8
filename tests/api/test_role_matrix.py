"""Every endpoint x every role: 401 without sign-in, 403 for a role that may not, and
for a role that may, an answer that is neither (200 where the request is complete)."""

import datetime as dt

import pytest

from arraigo.api.db import PlanJob

from .conftest import ROLES

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
    ("POST", "/api/v1/plans/{plan_id}/approve"): STAFF,
    ("GET", "/api/v1/placements"): WORKERS,
    ("PATCH", "/api/v1/placements/{placement_id}"): STAFF,
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
    ("PATCH", "/api/v1/placements/{placement_id}"): {"json": {"officer": None}},
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
