"""Every page in Debian's Chromium, checked by axe-core (the accessibility engine, run
from the copy the axe-playwright-python package ships: no internet): no serious or
critical violation on any page of any role. The new pages (case files, duplicates,
outcome model, users, audit log, exports) are visited as the roles that use them."""

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from arraigo.api.db import Placement, PlacementEvent

from .conftest import CORPUS, PASSWORD, approve_families, wait
from .test_pages_browser import ARTIFACTS, browser, server, service, sign_in  # noqa: F401

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def seeded(service, server) -> tuple[int, int]:  # noqa: F811
    """The good corpus imported through the API, family F1 approved into Saltillo and
    its first member moved, the other families in a draft plan; returns that
    placement's id and the draft's."""
    with httpx.Client(base_url=server) as api:
        token = api.post(
            "/auth/token", data={"username": "relocation_staff", "password": PASSWORD}
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        files = [("files", (p.name, p.read_bytes())) for p in sorted(CORPUS.glob("good/*.csv"))]
        assert api.post("/api/v1/imports", files=files).status_code == 200
        with service.state.sessions() as session:
            if session.scalar(select(Placement).where(Placement.family_id == "F1")) is None:
                approve_families(service, api, {"F1": "Saltillo"})
            placement = session.scalar(select(Placement).where(Placement.person_id == "P1"))
            session.add(
                PlacementEvent(
                    placement_id=placement.id,
                    status="moved",
                    date=dt.date.today(),
                    created_by="relocation_staff",
                )
            )
            placement.status = "moved"
            session.commit()
            placement_id = placement.id
        draft = api.post("/api/v1/plans", json={"time_limit": 2}).json()["id"]
        assert wait(api, draft)["status"] == "draft"
        return placement_id, draft


def violations(page) -> list[str]:
    results = axe_playwright.Axe().run(page).response
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def test_every_page_of_every_role_passes_axe_and_the_new_pages_work(browser, server, seeded):  # noqa: F811
    placement, plan = seeded
    found: list[str] = []
    page = browser.new_page()
    page.goto(f"{server}/sign-in")
    found += violations(page)
    page.close()

    page = sign_in(browser, server, "admin")
    new_pages = {
        "/files": "Expedientes",
        "/people/P1": "Expediente de Yeni Mejía",
        "/families/F1": "Familia F1",
        f"/placements/{placement}/history": f"Reubicación {placement}",
        "/duplicates": "Posibles duplicados",
        "/models": "Modelo de resultados",
        "/exports": "Exportar",
        "/users": "Usuarios",
        "/audit": "Bitácora",
    }
    plan_pages = ("/plans", f"/plans/{plan}", f"/plans/{plan}/approve")
    for path in ("/data", "/candidates", *plan_pages, "/placements", *new_pages):
        page.goto(f"{server}{path}")
        if path in new_pages:
            heading = page.get_by_role("heading", level=1).inner_text()
            assert heading == new_pages[path], path
        found += violations(page)
    # The audit log has an entry for the import, and its filter narrows it.
    page.goto(f"{server}/audit")
    page.get_by_label("Usuario").select_option("relocation_staff")
    page.get_by_role("button", name="Filtrar").click()
    assert "relocation_staff" in page.locator("#audit tbody").inner_text()
    # Exports download as files.
    page.goto(f"{server}/exports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Todos los traslados (Excel)").click()
    assert download.value.suggested_filename == "traslados.xlsx"
    # An unknown address is a page in Spanish, with the navigation kept.
    response = page.goto(f"{server}/no-such-page")
    assert response.status == 404
    assert page.get_by_role("alert").inner_text() == "No existe esta página."
    found += violations(page)
    page.goto(f"{server}/people/P1")
    page.screenshot(path=str(ARTIFACTS / "14-person-file.png"), full_page=True)
    page.close()

    page = sign_in(browser, server, "employment_officer")
    for path in ("/people/P1", "/exports"):
        page.goto(f"{server}{path}")
        found += violations(page)
    assert "Yeni" not in page.content()
    page.goto(f"{server}/people/P1")
    assert "Yeni" not in page.locator("main").inner_text(), "not her case: no name"
    page.close()

    page = sign_in(browser, server, "partner")
    page.locator(".js-plotly-plot").first.wait_for()
    found += violations(page)
    page.close()
    assert not found, "\n".join(found)
