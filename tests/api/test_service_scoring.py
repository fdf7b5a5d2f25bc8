"""The scores plans are built on: a staff correction counts there as it does in the
command line, the ESCO occupation staff named included."""

import pandas as pd

from arraigo.api.services.matchers import matcher_for
from arraigo.api.services.scoring import member_vacancy_scores
from arraigo.api.services.store import current_dataset
from arraigo.matching import Matcher

from .conftest import upload

# The service takes an ESCO occupation's URI or the id at its end; people files, the id.
WELDER = "7aedaa07-3884-4c5b-88f9-80997b2aa54b"


def _p9_scores(scores: pd.DataFrame) -> dict[str, float]:
    mine = scores[scores["person_id"] == "P9"]
    return dict(zip(mine["vacancy_id"], mine["score"].round(4), strict=True))


def test_a_correction_naming_an_esco_occupation_changes_the_plans_scores_as_in_the_cli(
    app, as_role, good_dir
):
    # P9 wrote "Caissière au supermarché"; with her CURP and RFC she may take the welding job.
    people = pd.read_csv(good_dir / "people.csv", dtype=str, keep_default_na=False)
    people.loc[people["person_id"] == "P9", "documents"] = "constancia;curp;rfc"
    people.to_csv(good_dir / "people.csv", index=False)
    staff = as_role("relocation_staff")
    assert upload(staff, *sorted(good_dir.glob("*.csv"))).status_code == 200
    body = {"esco_id": WELDER, "note": "Soldadora, confirmado"}
    assert staff.put("/api/v1/people/P9/occupation", json=body).status_code == 200

    with app.state.sessions() as session:
        dataset = current_dataset(session)
        planned, _ = member_vacancy_scores(session, dataset)
    # The command line reads the same correction from the people file's columns.
    matcher: Matcher = matcher_for(dataset.vacancies)
    p9 = dataset.people[dataset.people["person_id"] == "P9"]
    named = matcher.rank_vacancies(p9.assign(occupation_esco=WELDER, occupation_isco="7212"))
    group_only = matcher.rank_vacancies(p9.assign(occupation_isco="7212"))

    def eligible(table: pd.DataFrame) -> dict[str, float]:
        return _p9_scores(table[table["eligible"].astype(bool)])

    assert _p9_scores(planned) == eligible(named)
    assert _p9_scores(planned)["V1"] > eligible(group_only)["V1"]  # welder, not the group's first
