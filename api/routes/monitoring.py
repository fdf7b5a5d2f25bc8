"""Monitoring for partners and staff: aggregated indicators and capacity pressure."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ..deps import AnyRole, SessionDep, SettingsDep, csv_download
from ..schemas import CapacityRow, IndicatorRow
from ..services import monitoring
from ..services.monitoring import Dimension

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])


@router.get(
    "/indicators",
    response_model=list[IndicatorRow],
    summary="Relocated, hired, retention at 90 days, time to first job, per group",
    responses={200: {"content": {"text/csv": {}}}},
)
def get_indicators(
    session: SessionDep,
    user: AnyRole,
    settings: SettingsDep,
    by: Annotated[Dimension, Query(description="city, month, nationality, sex or age_band")] = (
        "city"
    ),
    format: Annotated[Literal["json", "csv"], Query()] = "json",
):
    """Aggregates only: no names, documents or free text. For partners, groups of fewer
    than 5 people are suppressed. Every export is logged."""
    table = monitoring.indicator_table(session, user, by, settings.min_group_size, format)
    if format == "csv":
        return csv_download(monitoring.to_csv(table), f"indicadores_{by}.csv")
    return monitoring.indicator_rows(table)


@router.get(
    "/capacity",
    response_model=list[CapacityRow],
    summary="Capacity use per city and resource, and where one more unit helps most",
)
def get_capacity(session: SessionDep, user: AnyRole, settings: SettingsDep) -> list[CapacityRow]:
    """Use by approved placements against each city's capacity, with the shadow price
    of the latest plan: the expected jobs one more unit (a school seat, a house) adds.
    For partners, a city's use is null where its indicators are withheld."""
    return monitoring.capacity_rows(session, user, settings.min_group_size)
