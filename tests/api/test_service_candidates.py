"""Candidates for a vacancy: people are read for the matcher once and kept, so asking
vacancy after vacancy is quick; anything that changes them (an erasure, an import)
is seen on the next ask."""

import time


def test_an_erased_candidate_loses_their_name_at_the_next_ask(loaded):
    first = loaded.get("/api/v1/vacancies/V1/candidates", params={"k": 5})
    assert first.status_code == 200, first.text
    named = next(m for m in first.json() if m["full_name"])
    other = loaded.get("/api/v1/vacancies/V2/candidates", params={"k": 5})
    assert other.status_code == 200, other.text
    erased = loaded.delete(f"/api/v1/people/{named['person_id']}/personal-data")
    assert erased.status_code == 200, erased.text
    again = loaded.get("/api/v1/vacancies/V1/candidates", params={"k": 5}).json()
    assert named["full_name"] not in {m["full_name"] for m in again}
    assert all(m["full_name"] is None for m in again if m["person_id"] == named["person_id"])


def test_the_candidates_page_says_it_is_preparing_while_the_people_are_read(app, loaded):
    """Right after an import the vacancies are fitted and the people read (minutes at
    the programme's scale): the page says so and asks again by itself, never hangs nor
    says nobody matches; once ready, it shows the candidates."""
    from arraigo.api.web import candidates

    from .test_pages import signed_in

    page = signed_in(app, "relocation_staff")
    matching = app.state.matching
    with matching._pool_lock:  # the people are being read
        started = time.monotonic()
        preparing = page.get("/candidates?vacancy_id=V1")
        assert time.monotonic() - started < candidates.PREPARE_WAIT + 5
    assert preparing.status_code == 200
    assert 'id="preparing"' in preparing.text and "data-refresh" in preparing.text
    assert 'id="vacancy-matches"' not in preparing.text
    assert "Nadie en espera" not in preparing.text
    ready = page.get("/candidates?vacancy_id=V1")
    assert 'id="vacancy-matches"' in ready.text and 'id="preparing"' not in ready.text
