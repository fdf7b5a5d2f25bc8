"""The demo's HTML report: one offline file with the flows map, capacity use, shadow
prices, baseline comparison, explanations and the outcome model's calibration."""

import datetime as dt
from importlib import resources
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape

from arraigo.data import Dataset, base_map, reference_origins, resource_label

from ._demo import DemoResult

# plotly.js looks here before fetching a base map from the internet (which it cannot).
GEO_ASSETS = (
    '<script>window.PlotlyGeoAssets = {{topojson: {{"north-america_110m": {topojson}}}}};</script>'
)
BASELINE_LABELS = {
    "arraigo": "Arraigo (reubicación y empleo juntos)",
    "location_only": "Solo ubicación (estilo Annie MOORE / GeoMatch)",
    "first_come_first_served": "Primero en llegar, primero en ser atendido (manual)",
}


def flows_map(dataset: Dataset, plan: dict[str, Any]) -> go.Figure:
    """Lines from each southern origin to each destination, as wide as the families sent."""
    families = dataset.families.set_index("family_id")["origin"]
    placed = pd.DataFrame([f for f in plan["families"] if f["city"]])
    figure = go.Figure()
    if not placed.empty:
        placed["origin"] = placed["family_id"].map(families)
        flows = placed.groupby(["origin", "city"]).size().reset_index(name="families")
        origins = reference_origins().set_index("city")
        cities = dataset.destinations.set_index("city")
        top = flows["families"].max()
        for row in flows.itertuples(index=False):
            if row.origin not in origins.index:
                continue
            figure.add_trace(
                go.Scattergeo(
                    lon=[origins.loc[row.origin, "lon"], cities.loc[row.city, "lon"]],
                    lat=[origins.loc[row.origin, "lat"], cities.loc[row.city, "lat"]],
                    mode="lines",
                    line={"width": 1 + 7 * row.families / top, "color": "#1f6f8b"},
                    opacity=0.6,
                    hoverinfo="text",
                    text=f"{row.origin} → {row.city}: {row.families} familias",
                    showlegend=False,
                )
            )
        received = placed.groupby("city").size()
        figure.add_trace(
            go.Scattergeo(
                lon=cities.loc[received.index, "lon"],
                lat=cities.loc[received.index, "lat"],
                text=[f"{c}: {n} familias" for c, n in received.items()],
                mode="markers",
                marker={"size": 6 + 14 * received / received.max(), "color": "#c0392b"},
                hoverinfo="text",
                showlegend=False,
            )
        )
    figure.update_geos(
        scope="north america",
        lataxis_range=[13, 33],
        lonaxis_range=[-118, -86],
        showcountries=True,
        showland=True,
        landcolor="#f3efe6",
    )
    figure.update_layout(height=460, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return figure


def capacity_chart(plan: dict[str, Any]) -> go.Figure:
    """Share of each city's capacity the plan uses, resource by resource."""
    usage = pd.DataFrame(plan["usage"])
    figure = go.Figure()
    if usage.empty:
        return figure
    usage = usage.assign(
        share=usage["used"] / usage["capacity"].where(usage["capacity"] > 0),
        label=usage.apply(
            lambda r: f"{r['used']:g}/{r['capacity']:g}" if pd.notna(r["capacity"]) else "∞",
            axis=1,
        ),
    )
    share = usage.pivot(index="city", columns="resource", values="share")
    labels = usage.pivot(index="city", columns="resource", values="label")
    figure.add_trace(
        go.Heatmap(
            z=share.to_numpy(),
            x=[resource_label(r) for r in share.columns],
            y=share.index,
            text=labels.to_numpy(),
            texttemplate="%{text}",
            colorscale="YlOrRd",
            zmin=0,
            zmax=1,
            colorbar={"title": "uso", "tickformat": ".0%"},
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(height=80 + 24 * len(share), margin={"l": 120, "r": 10, "t": 10, "b": 40})
    return figure


def calibration_chart(metrics: dict[str, Any]) -> go.Figure:
    bins = pd.DataFrame(metrics.get("calibration", []))
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="perfecta", line={"dash": "dot", "color": "#888"}
        )
    )
    if not bins.empty:
        figure.add_trace(
            go.Scatter(
                x=bins["mean_predicted"], y=bins["observed"], mode="lines+markers", name="modelo"
            )
        )
    figure.update_layout(
        height=320,
        xaxis={"title": "probabilidad predicha"},
        yaxis={"title": "proporción observada"},
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
    )
    return figure


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
        flows_map(dataset, plan).to_html(full_html=False, include_plotlyjs=True),
        capacity_chart(plan).to_html(full_html=False, include_plotlyjs=False),
        calibration_chart(result.model_metrics).to_html(full_html=False, include_plotlyjs=False),
    ]
    template_text = (resources.files("arraigo.api") / "templates" / "demo_report.html").read_text(
        encoding="utf-8"
    )
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
