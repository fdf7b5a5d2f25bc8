"""What every response and page form gets at the edge: cross-site posts refused, the
cookie no credential for the API, security headers, no-store, docs without a CDN, and
no words from the address shown as the service's."""

import re

from fastapi.testclient import TestClient

from .conftest import PASSWORD, settings_for
from .test_service_plans import wait

ORIGIN = "http://testserver"


def page_client(app, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers={"Origin": ORIGIN})
    signed = client.post("/sign-in", data={"username": role, "password": PASSWORD})
    assert signed.status_code == 303
    return client


def test_a_form_post_from_another_site_is_refused_and_changes_nothing(app):
    client = page_client(app, "relocation_staff")
    evil = {"Origin": "https://evil.example"}
    response = client.post("/sign-out", headers=evil)
    assert response.status_code == 403
    assert client.get("/plans").status_code == 200  # still signed in
    plan = client.post("/plans", data={"time_limit": "1"}, headers=evil)
    assert plan.status_code == 403


def test_a_form_post_without_origin_or_referer_is_refused_but_a_same_site_referer_passes(app):
    client = page_client(app, "relocation_staff")
    del client.headers["Origin"]
    assert client.post("/sign-out").status_code == 403
    same = client.post("/sign-out", headers={"Referer": f"{ORIGIN}/plans"})
    assert same.status_code == 303


def test_sign_in_from_another_site_is_refused(app):
    client = TestClient(app, follow_redirects=False, headers={"Origin": "https://evil.example"})
    response = client.post("/sign-in", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "arraigo_session" not in client.cookies


def test_the_configured_public_origin_is_the_one_posts_must_come_from(database_url):
    from arraigo.api.app import create_app

    app = create_app(settings_for(database_url, public_origin="https://arraigo.example"))
    client = TestClient(app, follow_redirects=False)
    form = {"username": "nadie", "password": "no-importa-mucho"}
    assert client.post("/sign-in", data=form, headers={"Origin": ORIGIN}).status_code == 403
    mine = {"Origin": "https://arraigo.example"}
    assert client.post("/sign-in", data=form, headers=mine).status_code == 401
    app.state.runner.shutdown()
    app.state.engine.dispose()


def test_the_api_does_not_take_the_page_cookie(app):
    client = page_client(app, "admin")
    assert client.get("/monitoring").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/monitoring/indicators", params={"format": "csv"}).status_code == 401


def test_the_monitoring_page_downloads_its_csv_from_its_own_route(app, loaded):
    client = page_client(app, "partner")
    page = client.get("/monitoring").text
    links = re.findall(r'href="(/[^"]*csv[^"]*)"', page)
    assert links and all(not link.startswith("/api/") for link in links)
    csv = client.get(links[0].replace("&amp;", "&"))
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")


def test_every_response_carries_the_security_headers(app, as_role):
    answers = [
        page_client(app, "admin").get("/monitoring"),
        as_role("admin").get("/api/v1/me"),
        TestClient(app).get("/health"),
        TestClient(app).get("/no-such-page"),
    ]
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in answer.headers  # plain HTTP here


def test_over_https_the_browser_is_told_to_stay_on_https(app):
    client = TestClient(app, base_url="https://testserver")
    assert client.get("/health").headers["strict-transport-security"].startswith("max-age=")


def test_each_page_has_its_own_nonce_and_figures_scripts_carry_it(app, loaded):
    plan_id = loaded.post("/api/v1/plans", json={"time_limit": 5}).json()["id"]
    assert wait(loaded, plan_id)["status"] == "draft"
    client = page_client(app, "admin")
    first, second = client.get(f"/plans/{plan_id}"), client.get(f"/plans/{plan_id}")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["content-security-policy"])[1]
    assert nonce not in second.headers["content-security-policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", first.text)
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)


def test_the_api_docs_load_their_assets_from_this_site(anonymous):
    docs = anonymous.get("/docs")
    assert docs.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(s.startswith("/") for s in sources)
    for source in sources:
        assert anonymous.get(source).status_code == 200
    assert anonymous.get("/docs/assets/../../settings.py").status_code == 404


def test_a_link_cannot_make_a_page_show_its_own_error_text(app):
    client = page_client(app, "relocation_staff")
    for path in ("/plans", "/placements"):
        page = client.get(path, params={"error": "Su cuenta fue bloqueada: llame al 555"})
        assert page.status_code == 200
        assert "llame al 555" not in page.text


def test_the_plan_page_follows_progress_through_its_own_route(app, loaded, held):
    plan_id = loaded.post("/api/v1/plans", json={"time_limit": 5}).json()["id"]
    client = page_client(app, "relocation_staff")
    script = client.get("/static/plan.js").text
    assert "/api/v1" not in script and "/progress" in script
    progress = client.get(f"/plans/{plan_id}/progress")
    assert progress.status_code == 200
    assert progress.json()["status"] in ("queued", "running")
    partner = page_client(app, "partner")
    assert partner.get(f"/plans/{plan_id}/progress").status_code == 403


def test_a_nul_character_in_text_is_refused_on_every_database(loaded):
    answer = loaded.put("/api/v1/people/P1/occupation", json={"isco": "7212", "note": "a\x00b"})
    assert answer.status_code == 422
    assert "NUL" in answer.json()["detail"]
    assert loaded.get("/api/v1/people/P1").json()["corrected_isco"] is None
