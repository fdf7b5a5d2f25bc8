"""The pages without a browser: who may see what, the session cookie, and English for
every Spanish text the pages show."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from arraigo.api.services import imports, pending
from arraigo.api.web import render as pages
from arraigo.api.web import words
from arraigo.data import resource_label

from .conftest import PASSWORD

TEMPLATES = Path(pages.__file__).parent / "templates"
PAGE_PATHS = ("/", "/data", "/candidates", "/plans", "/placements", "/monitoring")


# A browser sends its page's origin with every form post; the service refuses posts
# that come from elsewhere.
SAME_SITE = {"Origin": "http://testserver"}


def signed_in(app, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=SAME_SITE)
    response = client.post("/sign-in", data={"username": role, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_an_anonymous_visitor_is_sent_to_sign_in(anonymous, path):
    response = anonymous.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].split("?")[0].endswith("/sign-in")


def test_the_session_cookie_is_httponly_lax_and_secure_when_configured(app):
    client = TestClient(app, follow_redirects=False, headers=SAME_SITE)
    response = client.post(
        "/sign-in", data={"username": "admin", "password": PASSWORD, "next": "/plans"}
    )
    assert response.headers["location"] == "/plans"
    cookie = response.headers["set-cookie"].lower()
    assert "arraigo_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie, "the test app runs with cookie_secure=False"
    app.state.settings = app.state.settings.model_copy(update={"cookie_secure": True})
    response = client.post("/sign-in", data={"username": "admin", "password": PASSWORD})
    assert "secure" in response.headers["set-cookie"].lower()


def test_sign_in_never_redirects_to_another_site(app):
    client = TestClient(app, follow_redirects=False, headers=SAME_SITE)
    response = client.post(
        "/sign-in", data={"username": "admin", "password": PASSWORD, "next": "//evil.example"}
    )
    assert response.headers["location"] == "/"


def test_signing_out_revokes_the_token(app):
    client = signed_in(app, "relocation_staff")
    token = client.cookies["arraigo_session"]
    assert client.get("/plans").status_code == 200
    client.post("/sign-out")
    api = TestClient(app)
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", {"/data", "/candidates", "/plans", "/placements", "/monitoring"}),
        ("relocation_staff", {"/data", "/candidates", "/plans", "/placements", "/monitoring"}),
        ("employment_officer", {"/data", "/candidates", "/placements", "/monitoring"}),
        ("partner", {"/monitoring"}),
    ],
)
def test_each_role_reaches_only_its_pages(app, role, allowed):
    client = signed_in(app, role)
    for path in PAGE_PATHS[1:]:
        response = client.get(path)
        assert response.status_code == (200 if path in allowed else 403), (role, path)
        if response.status_code == 403:
            assert "Su rol no permite ver esta página." in response.text


def test_pages_are_spanish_by_default_and_english_on_request(app):
    client = signed_in(app, "partner")
    assert "Monitoreo del programa" in client.get("/monitoring").text
    client.get("/language/en?next=/monitoring")
    page = client.get("/monitoring").text
    assert "Programme monitoring" in page and 'lang="en"' in page
    assert "This service uses the ESCO classification of the European Commission." in page


def _spanish_texts() -> set[str]:
    """Every text the pages pass through the translator."""
    texts = set()
    for template in TEMPLATES.glob("*.html"):
        texts |= {m[1] for m in re.findall(r"""_\((["'])(.*?)\1\)""", template.read_text())}
    # The pages' own code, and the service whose refusal only a page shows.
    sources = [*TEMPLATES.parent.glob("*.py"), Path(imports.__file__)]
    source = "\n".join(path.read_text() for path in sources)
    texts |= set(re.findall(r'_\("([^"]+)"\)', source))
    texts |= set(re.findall(r'detail="([^"]+)"', source))
    texts |= set(re.findall(r'error="([^"]+)"', source))
    texts |= set(re.findall(r'raise (?:ServiceError|NotFound|Gone)\("([^"]+)"\)', source))
    texts.add(pending.EXPIRED)  # a checked upload that expired, shown on the data page
    texts |= {label for _path, label, _roles in pages.PAGES}
    texts |= set(pages.LABELS.values())
    texts |= set(words.AUDIT.values())
    texts |= {word for codes in words.CODES.values() for word in codes.values()}
    texts |= {"año", "persona", "ciudad", "ciudades", "puesto libre", "día de retraso"}
    resources = ("housing_units", "school_preescolar", "school_primaria")
    resources += ("school_secundaria", "school_bachillerato", "health_slots")
    texts |= {resource_label(r) for r in resources}
    return texts


def test_every_spanish_text_has_its_english():
    english = pages._english()
    missing = sorted(t for t in _spanish_texts() if t not in english)
    assert not missing, f"add to api/web/templates/en.txt: {missing}"


def test_every_line_of_en_txt_is_still_used():
    """A line whose Spanish no page, service or data message says any more is removed."""
    package = TEMPLATES.parents[1]
    files = [*package.rglob("*.py"), *TEMPLATES.glob("*.html"), *package.rglob("*.js")]
    files += list((package.parent / "data").glob("*.py"))
    source = "\n".join(path.read_text(encoding="utf-8") for path in files)
    source = re.sub(r'"\s*\n\s*"', "", source)  # Python's adjacent literals, joined
    unused = sorted(text for text in pages._english() if text not in source)
    assert not unused, f"remove from api/web/templates/en.txt: {unused}"


def test_plotly_and_the_map_outline_are_served_by_the_app(app):
    client = signed_in(app, "partner")
    script = client.get("/static/plotly.min.js")
    assert script.status_code == 200 and b"plotly" in script.content[:2000].lower()
    assert client.get("/static/north-america_110m.json").json()["type"] == "Topology"
    assert client.get("/static/..%2Fpages.py").status_code == 404


def test_a_plan_record_without_figures_still_opens_for_review(app, loaded):
    # A draft stored by an older version (or made without a solve) has families and
    # members but no expected jobs or baseline: the page shows what it has.
    from .conftest import draft_plan

    plan = draft_plan(app, {"F3": "Querétaro"})
    page = signed_in(app, "relocation_staff").get(f"/plans/{plan}")
    assert page.status_code == 200, page.text
    assert "Querétaro" in page.text


def test_the_plan_form_takes_every_waiting_family_that_matches_beyond_its_page(app, tmp_path, held):
    from arraigo.data import generate_scenario

    from .conftest import upload, wait

    staff_api = _api_client(app, "relocation_staff")
    files = generate_scenario(families=60, seed=4, vacancies=0).write(tmp_path / "batch")
    assert upload(staff_api, *files).status_code == 200
    staff = signed_in(app, "relocation_staff")
    form = staff.get("/plans").text
    assert "(60)" in form and "1–50 de 60" in form  # more than a page: all, by default
    assert re.search(r'value="matching" checked', form)
    found = staff.get("/plans", params={"q": "F0005"}).text  # F00050 to F00059
    assert "1–10 de 10" in found and re.search(r'value="ticked" checked', found)

    def families_planned(**form) -> list[str]:
        started = staff.post("/plans", data={"cities": ["Saltillo"], **form})
        assert started.status_code == 303, started.text
        plan_id = int(started.headers["location"].rsplit("/", 1)[1])
        planned = staff_api.get(f"/api/v1/plans/{plan_id}").json()["params"]["families"]
        staff_api.post(f"/api/v1/plans/{plan_id}/cancel")  # its solve is not what is tested
        wait(staff_api, plan_id, until=("cancelled", "draft", "failed"))
        return planned

    matching = families_planned(scope="matching", q="F0005")
    assert sorted(matching) == [f"F{n:05d}" for n in range(50, 60)]
    assert len(families_planned(scope="matching")) == 60


def _api_client(app, role: str):
    from .conftest import Client

    return Client(app).sign_in(role)
