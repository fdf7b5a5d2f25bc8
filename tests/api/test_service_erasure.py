"""Erasure reaches every copy: notes, reasons and audit details that name the person,
the embeddings of their profile, and the SQLite file and write-ahead log."""

import datetime as dt
from pathlib import Path

from arraigo.api.services import matchers
from arraigo.api.services.erasure import profile_texts, scrubber
from arraigo.api.services.store import history
from arraigo.matching import EmbeddingCache, text_key

from .test_service_plans import wait

NAME, PHONE = "Yeni Mejía", "+52 962 123 4567"
NOTE = "Yeni Mejía pidió cambio de turno; llamarla al 962-123-4567."


def database_bytes(app) -> bytes | None:
    """The SQLite file and its WAL, as stored; None on PostgreSQL, which keeps old row
    versions until VACUUM (the README says so)."""
    if app.state.engine.dialect.name != "sqlite":
        return None
    path = Path(app.state.engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def traces(raw: bytes) -> list[str]:
    """Her given name (her surname is her family's too) and phone, as written."""
    forms = {"Yeni", "123 4567", "123-4567"}
    return [form for form in forms if form.encode() in raw]


def test_erasure_scrubs_notes_reasons_audit_embeddings_and_the_database_file(app, loaded):
    staff = loaded
    # Her profile is embedded (matching), staff write about her in four places.
    assert staff.get("/api/v1/people/P1/matches", params={"k": 2}).status_code == 200
    correction = {"isco": "7533", "note": NOTE}
    assert staff.put("/api/v1/people/P1/occupation", json=correction).status_code == 200
    plan_id = staff.post("/api/v1/plans", json={"time_limit": 5}).json()["id"]
    plan = wait(staff, plan_id)
    city = next(f["city"] for f in plan["result"]["families"] if f["family_id"] == "F1")
    decision = {"family_id": "F1", "action": "lock", "city": city, "reason": NOTE}
    assert staff.post(f"/api/v1/plans/{plan_id}/decisions", json=decision).status_code == 201
    again = staff.post(f"/api/v1/plans/{plan_id}/reoptimize", json={"time_limit": 5})
    approved = wait(staff, again.json()["id"])["id"]
    assert staff.post(f"/api/v1/plans/{approved}/approve").status_code == 200
    placement = next(p for p in staff.get("/api/v1/placements").json() if p["person_id"] == "P1")
    event = {"status": "moved", "date": dt.date.today().isoformat(), "note": NOTE}
    events = f"/api/v1/placements/{placement['id']}/events"
    assert staff.post(events, json=event).status_code == 201
    with app.state.sessions() as session:
        texts = profile_texts(history(session, "people", "P1"))
    model = matchers.encoder().model_id
    cache = EmbeddingCache(matchers.cache_dir())
    assert (cache.locate(model, [text_key(t) for t in texts])[0] >= 0).any()
    before = database_bytes(app)
    assert before is None or traces(before)

    erased = staff.delete("/api/v1/people/P1/personal-data")
    assert erased.status_code == 200

    for found in (
        staff.get(events).json()[-1]["note"],
        staff.get(f"/api/v1/plans/{plan_id}/decisions").json()[0]["reason"],
    ):
        assert "Mejía" not in found and "4567" not in found
        assert "pidió cambio de turno" in found  # the rest of the note stays
    audit = loaded_audit(app)
    assert not any("Mejía" in str(entry) or "4567" in str(entry) for entry in audit)
    fresh = EmbeddingCache(matchers.cache_dir())
    assert (fresh.locate(model, [text_key(t) for t in texts])[0] < 0).all()
    after = database_bytes(app)
    assert after is None or traces(after) == []
    # Wilmer, her family, keeps his own name in the record.
    assert staff.get("/api/v1/people/P2").json()["full_name"] == "Wilmer Mejía"


def loaded_audit(app) -> list[dict]:
    from arraigo.api.db import AuditEntry

    with app.state.sessions() as session:
        return [entry.detail for entry in session.query(AuditEntry)]


def test_the_scrubber_finds_a_phone_written_without_the_country_code():
    from arraigo.api.db import Record

    record = Record(data={"full_name": NAME, "phone": PHONE})
    scrub = scrubber([record])
    assert scrub("tel. (962) 123.4567, yeni") == "tel. ([dato borrado], [dato borrado]"


def test_a_reimport_after_an_erasure_names_the_person_only_when_confirmed_and_adds_no_version(
    app, loaded, good_files
):
    from fastapi.testclient import TestClient

    from .conftest import PASSWORD, upload
    from .test_ledger import as_admin_audit

    staff = loaded
    assert staff.delete("/api/v1/people/P1/personal-data").status_code == 200
    # The same batch again carries her name, phone and profile: reported and refused.
    checked = upload(staff, *good_files, dry_run=True)
    assert checked.status_code == 422
    assert [(p["code"], p["row"]) for p in checked.json()["problems"]] == [
        ("erased_person_named", 2)
    ]
    assert "full_name, phone, skills_text" in checked.json()["problems"][0]["message_en"]
    assert upload(staff, *good_files).status_code == 422
    # Confirmed: she stays erased, nobody gets a new version, and the log says who.
    files = [("files", (p.name, p.read_bytes())) for p in good_files]
    stored = staff.post("/api/v1/imports", files=files, data={"confirm_erased": "true"})
    assert stored.status_code == 200, stored.text
    assert stored.json()["counts"]["people"] == {"new": 0, "updated": 0, "unchanged": 9}
    assert stored.json()["existing"]["people"]["changed"] == 0
    for person in ("P1", "P5"):
        versions = staff.get(f"/api/v1/people/{person}/history").json()
        assert [v["version"] for v in versions] == [1], person
    assert staff.get("/api/v1/people/P1").json()["full_name"] is None
    assert ("erased_named", "P1", ["full_name", "phone", "skills_text"]) in as_admin_audit(app)
    # The data page asks the same, and its confirmation carries the choice through.
    page = TestClient(app, headers={"Origin": "http://testserver"})
    page.post("/sign-in", data={"username": "relocation_staff", "password": PASSWORD})
    refused = page.post("/data", files=files)
    assert refused.status_code == 422 and "se borraron a su pedido" in refused.text
    checked = page.post("/data", files=files, data={"confirm_erased": "true"})
    assert checked.status_code == 200, checked.text[:300]
    key = checked.text.split('name="pending" value="')[1].split('"')[0]
    assert '<input type="hidden" name="confirm_erased" value="true">' in checked.text
    confirmed = page.post("/data", data={"pending": key, "confirm_erased": "true"})
    assert confirmed.status_code == 200 and "Importación guardada" in confirmed.text
