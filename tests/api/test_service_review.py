"""Reviewing a draft as a relocation officer does: decisions that default to the planned
city and can be undone, what re-optimising changed, superseded drafts, and what approval
will do. Drafts are made without solving (conftest.draft_plan): the solve is not tested."""

from .conftest import draft_plan


def test_a_lock_without_a_city_keeps_the_family_where_the_plan_put_it(app, loaded):
    plan = draft_plan(app, {"F1": "Saltillo", "F3": None})
    lock = {"family_id": "F1", "action": "lock", "reason": "Se queda donde está."}
    made = loaded.post(f"/api/v1/plans/{plan}/decisions", json=lock)
    assert made.status_code == 201, made.text
    assert made.json()["city"] == "Saltillo"
    # A family the plan leaves waiting has no city to lock: the refusal says so.
    refused = loaded.post(f"/api/v1/plans/{plan}/decisions", json=lock | {"family_id": "F3"})
    assert refused.status_code == 422
    assert "elija una ciudad" in refused.json()["detail"]
    # A move needs the city it moves to.
    move = lock | {"action": "move"}
    assert loaded.post(f"/api/v1/plans/{plan}/decisions", json=move).status_code == 422


def test_an_undone_decision_stops_blocking_approval_and_stays_in_the_audit_log(
    app, loaded, as_role
):
    plan = draft_plan(app, {"F1": "Saltillo"})
    veto = {"family_id": "F1", "action": "veto", "reason": "No quiere ir al norte."}
    decision = loaded.post(f"/api/v1/plans/{plan}/decisions", json=veto).json()
    assert loaded.post(f"/api/v1/plans/{plan}/approve").status_code == 409
    preview = loaded.get(f"/api/v1/plans/{plan}/approval").json()
    assert any("sin aplicar" in b for b in preview["blockers"])

    undone = loaded.delete(f"/api/v1/plans/{plan}/decisions/{decision['id']}")
    assert undone.status_code == 200 and undone.json()["reason"] == veto["reason"]
    assert loaded.get(f"/api/v1/plans/{plan}/decisions").json() == []
    assert loaded.delete(f"/api/v1/plans/{plan}/decisions/{decision['id']}").status_code == 404
    log = as_role("admin").get("/api/v1/audit", params={"action": "decision_undo"}).json()
    entry = log["items"][0]
    assert entry["username"] == "relocation_staff"
    assert entry["detail"]["reason"] == veto["reason"] and entry["detail"]["city"] == "Saltillo"
    assert loaded.post(f"/api/v1/plans/{plan}/approve").status_code == 200


def test_what_changed_names_moved_families_new_jobs_and_the_objective_difference(app, loaded):
    first = draft_plan(
        app, {"F1": "Saltillo", "F2": "Monterrey", "F3": None}, {"P1": "V1", "P5": "V2"},
        objective=2.5, expected_success=1.2,
    )  # fmt: skip
    second = draft_plan(
        app, {"F1": "Saltillo", "F2": "Monterrey", "F3": "Monterrey"},
        {"P1": "V1", "P5": "V3", "P8": "V2"}, parent=first, objective=2.75, expected_success=1.5,
    )  # fmt: skip
    changes = loaded.get(f"/api/v1/plans/{second}/changes").json()
    assert changes["previous_id"] == first
    assert changes["families"] == [{"family_id": "F3", "before": None, "after": "Monterrey"}]
    assert {
        (m["person_id"], m["family_id"], m["before"], m["after"]) for m in changes["members"]
    } == {
        ("P5", "F2", "V2", "V3"),
        ("P8", "F3", None, "V2"),
    }
    assert changes["objective_change"] == 0.25
    assert changes["expected_success_change"] == 0.3
    assert loaded.get(f"/api/v1/plans/{first}/changes").json() is None


def test_a_draft_re_optimised_into_another_is_superseded_and_cannot_be_approved(app, loaded):
    first = draft_plan(app, {"F1": "Saltillo"})
    second = draft_plan(app, {"F1": "Monterrey"}, parent=first)
    listed = {p["id"]: p for p in loaded.get("/api/v1/plans").json()}
    assert listed[first]["superseded_by"] == second
    assert listed[second]["superseded_by"] is None
    refused = loaded.post(f"/api/v1/plans/{first}/approve")
    assert refused.status_code == 409 and f"plan {second}" in refused.json()["detail"]
    assert loaded.post(f"/api/v1/plans/{second}/approve").status_code == 200


def test_the_approval_preview_counts_families_people_jobs_and_capacity_by_city(app, loaded):
    plan = draft_plan(
        app, {"F1": "Saltillo", "F2": "Monterrey", "F3": None}, {"P1": "V1", "P2": None}
    )
    preview = loaded.get(f"/api/v1/plans/{plan}/approval").json()
    assert (preview["families"], preview["people"], preview["vacancies"]) == (2, 7, 1)
    cities = {c["city"]: c for c in preview["cities"]}
    assert set(cities) == {"Saltillo", "Monterrey"}
    saltillo = cities["Saltillo"]
    assert (saltillo["families"], saltillo["people"], saltillo["vacancies"]) == (1, 4, 1)
    # One house, and seats for the children of 9 and 4: what the ledger would hold.
    assert saltillo["held"]["housing_units"] == 1
    assert saltillo["held"]["school_primaria"] == saltillo["held"]["school_preescolar"] == 1


def test_a_decision_inherited_from_the_plan_re_optimised_is_overridden_not_undone(app, loaded):
    from arraigo.api.db import PlanJob

    parent = draft_plan(app, {"F1": "Saltillo"})
    veto = {"family_id": "F1", "action": "veto", "reason": "No quiere ir al norte."}
    decision = loaded.post(f"/api/v1/plans/{parent}/decisions", json=veto).json()
    with app.state.sessions() as session:
        child = PlanJob(created_by="relocation_staff", status="draft", params={}, parent_id=parent)
        child.result = {"families": [{"family_id": "F1", "city": "Monterrey"}], "members": []}
        session.add(child)
        session.commit()
        child_id = child.id
    refused = loaded.delete(f"/api/v1/plans/{child_id}/decisions/{decision['id']}")
    assert refused.status_code == 409 and f"plan {parent}" in refused.json()["detail"]
    # The parent keeps it, and so does the re-optimised draft.
    assert [d["id"] for d in loaded.get(f"/api/v1/plans/{parent}/decisions").json()] == [
        decision["id"]
    ]
