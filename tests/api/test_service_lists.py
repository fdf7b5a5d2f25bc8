"""Lists a page at a time, as caseworkers use them: every record searchable (not only
the first thousand), counts of everything that matches, placements by family with
names only where the role may see them, and officers given whole families or cities
at once, never a child."""

import pandas as pd
import pytest
from sqlalchemy import select

from arraigo.api.db import Placement, User
from arraigo.api.schemas import PlacementPatch
from arraigo.api.services import caseload, placements, records
from arraigo.api.services.errors import Invalid
from arraigo.api.services.store import upsert
from arraigo.api.services.users import create_user
from arraigo.api.web.paging import pager
from arraigo.api.web.render import translator

from .conftest import PASSWORD

MANY = 1_100
N = 120  # a small batch, where a thousand rows are not the point


def people_frame(families: int) -> pd.DataFrame:
    """One adult per family, and a child in every tenth family; accents in one name."""
    rows = []
    for i in range(1, families + 1):
        name = "José Pérez" if i == families else f"Persona {i:04d}"
        rows.append(person(f"P{i:04d}", f"F{i:04d}", 30, name))
        if i % 10 == 0:
            rows.append(person(f"P{i:04d}-h", f"F{i:04d}", 6, f"Niña {i}"))
    return pd.DataFrame(rows)


def person(person_id: str, family_id: str, age: int, name: str) -> dict:
    """A row as the data contract describes a person."""
    return {
        "person_id": person_id,
        "family_id": family_id,
        "age": age,
        "sex": "F",
        "nationality": "HND",
        "languages": ["es"],
        "education": "primaria",
        "skills_text": "Costura",
        "work_experience_years": 2,
        "health_needs": [],
        "documents": ["constancia"],
        "full_name": name,
        "phone": None,
    }


def store(app, families: int, vacancies: bool = True):
    """``families`` families of people stored through the service, every family placed
    (in Saltillo or Monterrey alternately) without solving a plan; and two vacancies
    (none when a running service would fit its matcher on them and read every person)."""
    people = people_frame(families)
    families = pd.DataFrame({"family_id": people["family_id"].unique(), "origin": "Tapachula"})
    postings = pd.DataFrame(
        [
            {
                "vacancy_id": "V1",
                "title": "Soldador",
                "employer": "Aceros del Norte",
                "city": "Saltillo",
                "positions": 2,
            },
            {
                "vacancy_id": "V2",
                "title": "Costurera",
                "employer": "Textiles León",
                "city": "León",
                "positions": 1,
            },
        ]
    )
    with app.state.sessions() as session:
        upsert(session, "people", people, None)
        upsert(session, "families", families, None)
        if vacancies:
            upsert(session, "vacancies", postings, None)
        session.add_all(
            Placement(
                family_id=row.family_id,
                person_id=row.person_id,
                city="Saltillo" if int(row.family_id[1:]) % 2 else "Monterrey",
                vacancy_id="V1" if row.person_id == "P0001" else None,
            )
            for row in people.itertuples()
        )
        session.commit()
    return app


@pytest.fixture
def many(app):
    """More than a thousand families: what the lists used to cut silently."""
    return store(app, MANY)


@pytest.fixture
def batch(app):
    return store(app, N)


def user(session, role: str) -> User:
    return session.scalar(select(User).where(User.username == role))


def test_people_are_found_past_the_first_thousand_and_counted(many):
    with many.state.sessions() as session:
        staff = user(session, "relocation_staff")
        page = records.list_people(session, staff, limit=50, offset=1_000)
        assert page.total == MANY + MANY // 10
        assert len(page.items) == 50
        found = records.list_people(session, staff, q="jose perez")  # accents ignored
        assert [p.person_id for p in found.items] == [f"P{MANY:04d}"]
        assert found.total == 1
        assert records.list_people(session, staff, q="persona", limit=5).total == MANY - 1


def test_an_officer_never_finds_a_name_they_may_not_see(batch):
    with batch.state.sessions() as session:
        officer = user(session, "employment_officer")
        assert records.list_people(session, officer, q="José").total == 0
        mine = session.scalar(select(Placement).where(Placement.person_id == f"P{N:04d}"))
        mine.officer = "employment_officer"
        session.flush()
        found = records.list_people(session, officer, q="José")
        assert [p.full_name for p in found.items] == ["José Pérez"]
        # An id is no secret: found, with the name left out.
        other = records.list_people(session, officer, q="P0003").items
        assert [(p.person_id, p.full_name) for p in other] == [("P0003", None)]


def test_vacancies_and_families_are_searched_and_filtered(batch):
    with batch.state.sessions() as session:
        assert [v.vacancy_id for v in records.list_vacancies(session, q="aceros").items] == ["V1"]
        assert records.list_vacancies(session, city="León").total == 1
        assert records.list_families(session, limit=10, offset=115).total == N
        assert len(records.list_families(session, limit=10, offset=115).items) == 5
        assert records.list_families(session, q="F0119").items[0].family_id == "F0119"
        # Every family is placed: none waits for a plan.
        assert records.list_families(session, waiting=True).total == 0


def test_placements_come_a_family_at_a_time_with_names_and_vacancy_titles(batch):
    with batch.state.sessions() as session:
        staff = user(session, "relocation_staff")
        first = caseload.families_page(session, staff, limit=25)
        assert first.families == N
        assert first.placements == N + N // 10
        family = first.items[0]
        assert family.family_id == "F0001" and family.city == "Saltillo"
        assert family.members[0].name == "Persona 0001"
        assert family.members[0].vacancy == "Soldador · Aceros del Norte"
        late = caseload.families_page(session, staff, offset=50, limit=25, city="Monterrey")
        assert late.families == N // 2 and len(late.items) == 10
        ten = caseload.families_page(session, staff, q="niña 110").items
        assert [(m.placement.person_id, m.working) for f in ten for m in f.members] == [
            ("P0110", True),
            ("P0110-h", False),
        ], "a person found, with their family"
        # The JSON list counts what passes the filters beyond the page.
        listed = placements.list_placements(session, staff, city="Saltillo", limit=10)
        assert listed.total == N // 2 and len(listed.items) == 10  # children: Monterrey


def test_a_family_goes_to_an_officer_at_once_but_never_its_child(batch):
    with batch.state.sessions() as session:
        staff = user(session, "relocation_staff")
        assert caseload.assign_many(session, staff, "employment_officer", family_id="F0010") == 1
        officers = dict(
            session.execute(
                select(Placement.person_id, Placement.officer).where(Placement.family_id == "F0010")
            ).all()
        )
        assert officers == {"P0010": "employment_officer", "P0010-h": None}
        child = session.scalar(select(Placement.id).where(Placement.person_id == "P0010-h"))
        with pytest.raises(Invalid, match="18 a 64"):
            placements.assign(session, staff, child, PlacementPatch(officer="employment_officer"))
        # A city's cases without an officer: another officer's family stays theirs.
        create_user(session, "oficial2", "employment_officer", PASSWORD)
        assert caseload.assign_many(session, staff, "oficial2", family_id="F0001") == 1
        saltillo = caseload.assign_many(session, staff, "employment_officer", city="Saltillo")
        assert saltillo == N // 2 - 1  # one adult a family, F0001 already followed
        followed = select(Placement.officer).where(Placement.person_id == "P0001")
        assert session.scalar(followed) == "oficial2"
        mine = caseload.families_page(session, staff, officer="employment_officer", limit=5)
        assert mine.placements == N // 2
        # The officer's own cases: their families, the child of F0010 included.
        officer = user(session, "employment_officer")
        cases = caseload.families_page(session, officer, limit=5)
        assert (cases.families, cases.placements) == (N // 2, N // 2 + 1)


def test_a_pager_says_which_rows_of_how_many_in_each_language():
    window = pager("/placements", 1_000, 50, 1_750, city="Saltillo", q="")
    assert window.summary(translator("es")) == "1,001–1,050 de 1,750"
    assert window.summary(translator("en")) == "1,001–1,050 of 1,750"
    assert window.previous == "/placements?city=Saltillo&offset=950"
    assert window.next == "/placements?city=Saltillo&offset=1050"
    assert window.final == "/placements?city=Saltillo&offset=1700"
    assert pager("/x", 0, 50, 0).summary(translator("es")) == "Sin resultados"
