"""Tables staff take out of the service: the move list for transport, a plan's
families and cities, and the placements, each as CSV or Excel. No names: transport
needs families, counts and places; whoever needs a name opens the case file."""

import io

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Placement, PlanJob, User
from ..vocab import PERSONAL_DATA_ROLES
from .audit import audit
from .errors import Forbidden
from .ledger import HOLDING
from .monitoring import _safe_cell, to_csv
from .plans import plan_job
from .privacy import case_scope
from .store import current_frame

MOVE_COLUMNS = ["family_id", "people", "origin", "city", "date", "plan_id"]
PLAN_COLUMNS = ["family_id", "city", "people", "reason"]
PLACEMENT_COLUMNS = [
    "placement_id",
    "plan_id",
    "family_id",
    "person_id",
    "city",
    "vacancy_id",
    "officer",
    "status",
    "approved_on",
]


def _staff_only(user: User) -> None:
    if user.role not in PERSONAL_DATA_ROLES:
        raise Forbidden("Solo el personal de reubicación / relocation staff only.")


def _origins(session: Session) -> dict[str, str]:
    families = current_frame(session, "families")
    if families is None:
        return {}
    return dict(zip(families["family_id"], families["origin"].fillna(""), strict=True))


def move_list(session: Session, user: User, plan_id: int | None = None) -> pd.DataFrame:
    """One row per family that travels: how many people (placements not cancelled or
    left), from where, to which city, approved on which date (staff only)."""
    _staff_only(user)
    query = select(Placement).where(HOLDING)
    if plan_id is not None:
        query = query.where(Placement.plan_id == plan_id)
    rows = [
        {
            "family_id": p.family_id,
            "city": p.city,
            "date": p.created_at.date().isoformat(),
            "plan_id": p.plan_id,
        }
        for p in session.scalars(query.order_by(Placement.id))
    ]
    keys = ["family_id", "city", "date", "plan_id"]
    frame = pd.DataFrame(rows, columns=keys)
    moves = frame.groupby(keys, sort=False, dropna=False).size().rename("people").reset_index()
    moves["origin"] = moves["family_id"].map(_origins(session)).fillna("")
    audit(session, user, "export", "move_list", plan_id, rows=len(moves))
    return moves.sort_values(["date", "city", "family_id"])[MOVE_COLUMNS]


def plan_table(session: Session, user: User, plan_id: int) -> pd.DataFrame:
    """A plan's families, the city each goes to (blank: not relocated) and why."""
    _staff_only(user)
    job: PlanJob = plan_job(session, plan_id)
    result = job.result or {}
    people = current_frame(session, "people")
    sizes = {} if people is None else people.groupby("family_id").size().to_dict()
    rows = [
        {
            "family_id": f.get("family_id"),
            "city": f.get("city") or "",
            "people": sizes.get(f.get("family_id"), 0),
            "reason": f.get("reason") or "",
        }
        for f in result.get("families", [])
    ]
    audit(session, user, "export", "plan", plan_id, rows=len(rows))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def placement_table(session: Session, user: User) -> pd.DataFrame:
    """Every placement the user may see (an officer: their cases), no names."""
    query = select(Placement).where(case_scope(user)).order_by(Placement.id)
    rows = [
        [
            p.id,
            p.plan_id,
            p.family_id,
            p.person_id,
            p.city,
            p.vacancy_id or "",
            p.officer or "",
            p.status,
            p.created_at.date().isoformat(),
        ]
        for p in session.scalars(query)
    ]
    audit(session, user, "export", "placements", None, rows=len(rows))
    return pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)


def as_csv(table: pd.DataFrame) -> str:
    return to_csv(table)


def as_xlsx(table: pd.DataFrame, sheet: str) -> bytes:
    """The table as an Excel workbook of one sheet (cells that look like formulas are
    written as text, as in the CSV)."""
    book = Workbook()
    page = book.active
    page.title = sheet[:31]
    page.append(list(table.columns))
    for row in table.itertuples(index=False):
        page.append([None if pd.isna(v) else _safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
