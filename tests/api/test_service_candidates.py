"""Candidates for a vacancy: people are read for the matcher once and kept, so asking
vacancy after vacancy is quick; anything that changes them (an erasure, an import)
is seen on the next ask."""


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
