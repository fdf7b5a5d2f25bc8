"""The monitoring page: indicators per month and city with their charts, where one more
unit of capacity helps most, and CSV exports (suppressed for partners)."""

from typing import get_args

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..deps import SessionDep, SettingsDep, csv_download
from ..services import monitoring
from ..services.monitoring import Dimension
from .charts import indicator_figures
from .render import Everyone, language, page_router, render, translator

router = page_router()


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, session: SessionDep, user: Everyone, settings: SettingsDep):
    size = settings.min_group_size
    by_month = monitoring.indicator_rows(monitoring.indicator_table(session, user, "month", size))
    by_city = monitoring.indicator_rows(monitoring.indicator_table(session, user, "city", size))
    capacity = monitoring.capacity_rows(session, user, size)
    priced = sorted(
        (r for r in capacity if r.shadow_price and r.shadow_price > 1e-9),
        key=lambda r: -r.shadow_price,
    )[:8]
    pressed = sorted((r for r in capacity if r.share is not None), key=lambda r: -(r.share or 0.0))
    figures = None
    if by_month or by_city:
        figures = indicator_figures(by_month, by_city, translator(language(request)))
    return render(
        request,
        "monitoring.html",
        user,
        by_city=by_city,
        by_month=by_month,
        figures=figures,
        priced=priced,
        pressed=pressed[:8],
        dimensions=get_args(Dimension),
        min_group=size,
        in_jobs=monitoring.prices_in_expected_jobs(session),
    )


@router.get("/monitoring/indicators.csv", name="indicators_csv")
def indicators_csv(
    session: SessionDep, user: Everyone, settings: SettingsDep, by: Dimension = "city"
):
    """The page's CSV download (the API's export answers bearer tokens only)."""
    table = monitoring.indicator_table(session, user, by, settings.min_group_size, "csv")
    return csv_download(monitoring.to_csv(table), f"indicadores_{by}.csv")
