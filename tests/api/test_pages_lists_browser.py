"""Long lists in the browser at phone width (375 px): placements of 1,100 families paged
past row 1,000, found by a name, a family given to an officer at once (never its child),
and the officer's own cases. The data is stored through the services in bulk, without
solving a plan; the server, Chromium and helpers are those of test_pages_browser."""

import pytest

from .test_pages_browser import browser, service, shot, sign_in, submit
from .test_service_lists import MANY, store

PHONE = {"viewport": {"width": 375, "height": 740}}
# The module-scoped fixtures of test_pages_browser: here, a server on its own database.
__all__ = ["browser", "service"]


@pytest.fixture(scope="module")
def server(service) -> str:
    store(service, MANY, vacancies=False)
    return service.state.url


def reachable(page, locator) -> bool:
    """Whether a control lies inside the phone's width (no sideways scrolling needed)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_staff_page_past_row_1000_and_give_a_family_to_an_officer_on_a_phone(browser, server):
    page = sign_in(browser, server, "relocation_staff", **PHONE)
    page.goto(f"{server}/placements")
    count = page.locator(".pager .count").first
    assert count.inner_text() == "1–25 de 1,100"
    submit(page.get_by_role("link", name="Siguientes ›").first)
    assert count.inner_text() == "26–50 de 1,100"
    submit(page.get_by_role("link", name="Últimas »").first)
    assert count.inner_text() == "1,076–1,100 de 1,100"
    page.goto(f"{server}/placements?offset=1000")
    assert count.inner_text() == "1,001–1,025 de 1,100"
    assert page.locator("#placements tbody").count() == 25
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    first = page.locator("#placements tr.member").first
    for control in ("Nuevo estado", "Fecha", "Nota", "Oficial de empleo"):
        assert reachable(page, first.get_by_label(control)), control
    assert reachable(page, first.get_by_role("button", name="Guardar"))
    shot(page, "20-placements-phone-past-1000")

    # A family found by a name (accents ignored), given to an officer as a whole.
    page.get_by_label("Buscar", exact=True).fill("jose perez")
    submit(page.get_by_role("button", name="Filtrar"))
    assert count.inner_text() == "1–1 de 1"
    family = page.locator("#f-F1100")
    family.get_by_label("Oficial de la familia F1100").select_option("employment_officer")
    submit(family.get_by_role("button", name="Asignar a la familia"))
    assert page.get_by_role("status").is_visible()
    adult, child = page.locator("#f-F1100 tr.member").all()
    assert adult.get_by_label("Oficial de empleo").input_value() == "employment_officer"
    assert child.locator("select").count() == 1, "a child gets no officer (a status only)"
    assert "Fuera de la edad laboral" in child.inner_text()
    shot(page, "21-placements-phone-family-assigned")
    page.close()

    # The officer's own cases: that family, with the adult's name.
    page = sign_in(browser, server, "employment_officer", **PHONE)
    page.goto(f"{server}/placements")
    assert page.get_by_role("heading", level=1).inner_text() == "Mis casos"
    assert page.locator(".pager .count").first.inner_text() == "1–1 de 1"
    assert "José Pérez" in page.locator("#f-F1100").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "22-my-cases-phone")
    page.close()
