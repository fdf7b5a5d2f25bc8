"""The demo's HTML report: one offline file with the flows map, capacity use, shadow
prices, baseline comparison, explanations and the outcome model's calibration."""

import datetime as dt
from importlib import resources

import pandas as pd
from jinja2 import Environment, select_autoescape

from arraigo.data import Dataset, base_map, resource_label

from ..services.demo import DemoResult
from ..services.scoring import in_expected_jobs
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

# The solver's word for the plan it found, as the report says it.
PLAN_STATUS = {
    "optimal": "plan óptimo",
    "feasible": "plan factible (sin prueba de que sea el mejor)",
}


def score_words(source: str) -> tuple[str, str]:
    """What the plan's scores are, and the unit its value (and a shadow price) is in."""
    if in_expected_jobs(source):
        version = source.split(":")[0].removeprefix("outcome model").strip()
        return (
            f"modelo de resultados {version}: probabilidad de ser contratado y seguir "
            "empleado a los 90 días",
            "empleos esperados a 90 días",
        )
    if source.startswith("matching score"):
        return (
            "afinidad entre perfil y vacante (aún no hay modelo de resultados entrenado)",
            "puntos de afinidad",
        )
    return "ninguno: no hay integrantes en edad laboral o no hay vacantes", "puntos"


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
    source, unit = score_words(result.score_source)
    prices = [
        row | {"label": resource_label(row["resource"])}
        for row in priced.head(12).to_dict("records")
    ]
    return template.render(
        today=today.isoformat(),
        plan=plan,
        families=len(dataset.families),
        people=len(dataset.people),
        vacancies=len(dataset.vacancies) if dataset.vacancies is not None else 0,
        placed=placed,
        baselines=[(BASELINE_LABELS[k], v) for k, v in result.baselines.items()],
        score_source=source,
        unit=unit,
        status=PLAN_STATUS.get(plan.get("status"), plan.get("status")),
        metrics=result.model_metrics,
        flows=figures[0],
        capacity=figures[1],
        calibration=figures[2],
        prices=prices,
        explanations=[f for f in plan["families"] if f["city"]][:20],
        matches=result.matches.head(15).to_dict("records"),
        geo_assets=GEO_ASSETS.format(topojson=base_map()),
    )
