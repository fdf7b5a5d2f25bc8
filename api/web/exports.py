"""The exports page and its downloads: the move list for transport and a plan's cities
(staff), the placements (an officer: their cases), as CSV or Excel."""

from typing import Literal

import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ..deps import RowId, SessionDep, csv_download
from ..services import exports, plans
from ..vocab import PERSONAL_DATA_ROLES
from .render import StaffPage, Workers, page_router, render

router = page_router()
Format = Literal["csv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(table: pd.DataFrame, name: str, fmt: Format) -> Response:
    if fmt == "csv":
        return csv_download(exports.as_csv(table), f"{name}.csv")
    return Response(
        exports.as_xlsx(table, name),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, session: SessionDep, user: Workers):
    staff = user.role in PERSONAL_DATA_ROLES
    return render(
        request,
        "exports.html",
        user,
        staff=staff,
        plans=plans.list_plans(session) if staff else [],
    )


@router.get("/exports/moves.{fmt}")
def move_list(session: SessionDep, user: StaffPage, fmt: Format, plan_id: RowId | None = None):
    name = f"traslados_plan_{plan_id}" if plan_id else "traslados"
    return _download(exports.move_list(session, user, plan_id), name, fmt)


@router.get("/exports/plans/{plan_id}.{fmt}")
def plan_export(session: SessionDep, user: StaffPage, plan_id: RowId, fmt: Format):
    return _download(exports.plan_table(session, user, plan_id), f"plan_{plan_id}", fmt)


@router.get("/exports/placements.{fmt}")
def placements_export(session: SessionDep, user: Workers, fmt: Format):
    return _download(exports.placement_table(session, user), "reubicaciones", fmt)
