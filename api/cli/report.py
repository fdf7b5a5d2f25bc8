"""The demo's HTML report: one offline file with the flows map, capacity use, shadow
prices, baseline comparison, explanations and the outcome model's calibration."""

import datetime as dt
from importlib import resources

import pandas as pd
from jinja2 import Environment, select_autoescape

from arraigo.data import Dataset, base_map

from ..services.demo import DemoResult
from ..web.charts import calibration_chart, capacity_chart, flow_map

# plotly.js looks here before fetching a base map from the internet (which it cannot).
GEO_ASSETS = (
    '<script>window.PlotlyGeoAssets = {{topojson: {{"north-america_110m": {topojson}}}}};</script>'
)
BASELINE_LABELS = {
    "arraigo": "Arraigo (reubicación y empleo juntos)",
    "location_only": "Solo ubicación (estilo Annie MOORE / GeoMatch)",
    "first_come_first_served": "Primero en llegar, primero en ser atendido (manual)",
}


def render(dataset: Dataset, result: DemoResult, today: dt.date) -> str:
    """The report as one HTML document (plotly.js embedded once: it works offline)."""
    plan = result.plan
    usage = pd.DataFrame(plan["usage"])
    priced = (
        usage[usage["shadow_price"].fillna(0) > 1e-6].sort_values("shadow_price", ascending=False)
        if not usage.empty
        else usage
    )
    figures = [
        flow_map(plan["families"], dataset.families, dataset.destinations).to_html(
            full_html=False, include_plotlyjs=True
        ),
        capacity_chart(plan["usage"]).to_html(full_html=False, include_plotlyjs=False),
        calibration_chart(result.model_metrics).to_html(full_html=False, include_plotlyjs=False),
    ]
    template_text = (
        resources.files("arraigo.api.web") / "templates" / "demo_report.html"
    ).read_text(encoding="utf-8")
    environment = Environment(autoescape=select_autoescape(default=True))
    template = environment.from_string(template_text)
    placed = sum(1 for f in plan["families"] if f["city"])
    return template.render(
        today=today.isoformat(),
        plan=plan,
        families=len(dataset.families),
        people=len(dataset.people),
        vacancies=len(dataset.vacancies) if dataset.vacancies is not None else 0,
        placed=placed,
        baselines=[(BASELINE_LABELS[k], v) for k, v in result.baselines.items()],
        score_source=result.score_source,
        metrics=result.model_metrics,
        flows=figures[0],
        capacity=figures[1],
        calibration=figures[2],
        prices=priced.head(12).to_dict("records"),
        explanations=[f for f in plan["families"] if f["city"]][:20],
        matches=result.matches.head(15).to_dict("records"),
        geo_assets=GEO_ASSETS.format(topojson=base_map()),
    )
