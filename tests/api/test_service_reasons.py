"""Match reasons in the reader's language: the API's ``lang`` (default ARRAIGO_LANG) and
the pages' language switch, each a plain sentence with its codes apart."""

import re

from .test_pages import signed_in


def test_match_reasons_come_in_english_when_asked_and_in_the_services_language_otherwise(
    app, loaded
):
    spanish = loaded.get("/api/v1/people/P1/matches", params={"k": 2}).json()
    english = loaded.get("/api/v1/people/P1/matches", params={"k": 2, "lang": "en"}).json()
    assert [m["vacancy_id"] for m in spanish] == [m["vacancy_id"] for m in english]
    assert all(m["reason"].startswith("Afinidad ") for m in spanish)
    assert all(re.match(r"(High|Medium|Low) affinity \(\d+ %\): ", m["reason"]) for m in english)
    assert all(m["details"].startswith("profile: ") for m in english)
    assert all("ISCO" not in m["reason"] for m in spanish + english)

    candidates = loaded.get("/api/v1/vacancies/V1/candidates", params={"lang": "en"}).json()
    assert candidates and all(" affinity (" in m["reason"] for m in candidates)

    app.state.settings = app.state.settings.model_copy(update={"lang": "en"})  # ARRAIGO_LANG=en
    default = loaded.get("/api/v1/people/P1/matches", params={"k": 2}).json()
    assert [m["reason"] for m in default] == [m["reason"] for m in english]


def test_the_candidates_page_writes_reasons_in_the_readers_language(app, loaded):
    page = signed_in(app, "relocation_staff")
    spanish = page.get("/candidates", params={"person_id": "P1"}).text
    assert "Afinidad " in spanish and "affinity (" not in spanish
    page.get("/language/en")
    english = page.get("/candidates", params={"person_id": "P1"}).text
    assert "affinity (" in english and "Afinidad " not in english
    assert "profile: ESCO " in english  # the codes on their own line
