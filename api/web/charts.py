"""The charts pages and the demo report draw (plotly): one module, so a plan's map reads
the same in the browser and in report.html."""

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from arraigo.data import reference_origins, resource_label

# Legends under the charts leave the plot its full width on a phone.
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}


def _same(text: str) -> str:
    return text


def flow_map(
    placed: Iterable[dict[str, Any]],
    families: pd.DataFrame,
    destinations: pd.DataFrame,
    _: Callable[[str], str] = _same,
) -> go.Figure:
    """Lines from each southern origin to each destination city, as wide as the number
    of families on that route (``placed``: a plan's families, with their city)."""
    city_of = {f["family_id"]: f["city"] for f in placed if f["city"]}
    origin_of = dict(zip(families["family_id"], families["origin"], strict=True))
    flows: dict[tuple[str, str], int] = {}
    for family, city in city_of.items():
        key = (origin_of.get(family), city)
        flows[key] = flows.get(key, 0) + 1
    origins = reference_origins().set_index("city")
    cities = destinations.set_index("city")
    fig = go.Figure()
    largest = max(flows.values(), default=1)
    for (origin, city), count in sorted(flows.items(), key=lambda item: -item[1]):
        if origin not in origins.index or city not in cities.index:
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=[origins.at[origin, "lon"], cities.at[city, "lon"]],
                lat=[origins.at[origin, "lat"], cities.at[city, "lat"]],
                mode="lines",
                line={"width": 1 + 7 * count / largest, "color": "#0b5cad"},
                opacity=0.7,
                hoverinfo="text",
                text=f"{origin} → {city}: {count}",
                showlegend=False,
            )
        )
    used_origins = sorted({o for o, _c in flows if o in origins.index})
    leaving = {o: sum(n for (o2, _c), n in flows.items() if o2 == o) for o in used_origins}
    arrivals = {c: sum(n for (_o, c2), n in flows.items() if c2 == c) for c in cities.index}
    fig.add_trace(
        go.Scattergeo(
            lon=[origins.at[o, "lon"] for o in used_origins],
            lat=[origins.at[o, "lat"] for o in used_origins],
            hovertext=[f"{o}: {leaving[o]}" for o in used_origins],
            hoverinfo="text",
            mode="markers",
            marker={"size": 10, "color": "#b3261e", "symbol": "triangle-up"},
            name=_("Origen"),
        )
    )
    # Only cities that receive families carry a label: the Bajío is too dense for all.
    for receiving in (True, False):
        names = [c for c in cities.index if (arrivals[c] > 0) == receiving]
        fig.add_trace(
            go.Scattergeo(
                lon=[cities.at[c, "lon"] for c in names],
                lat=[cities.at[c, "lat"] for c in names],
                text=[f"{c} ({arrivals[c]})" for c in names] if receiving else None,
                hovertext=[f"{c}: {arrivals[c]}" for c in names],
                hoverinfo="text",
                mode="markers+text" if receiving else "markers",
                textposition="top center",
                textfont={"size": 11, "color": "#1a1a1a"},
                marker={
                    "size": 9 if receiving else 6,
                    "color": "#1b6e3a" if receiving else "#8a949e",
                },
                name=_("Destino") if receiving else _("Destino sin llegadas"),
            )
        )
    fig.update_geos(
        scope="north america",
        resolution=110,
        lonaxis_range=[-118, -86],
        lataxis_range=[14, 33],
        showcountries=True,
        showland=True,
        landcolor="#f3f1ea",
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=520,
        legend={"orientation": "h", "y": 0},
    )
    return fig


def figure_html(fig: go.Figure) -> str:
    """A figure for a page: plotly.js and the base map come from this site's /static/."""
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        config={"responsive": True, "displaylogo": False, "topojsonURL": "/static/"},
    )


def capacity_chart(usage: list[dict[str, Any]]) -> go.Figure:
    """Share of each city's capacity a plan uses, resource by resource."""
    table = pd.DataFrame(usage)
    figure = go.Figure()
    if table.empty:
        return figure
    table = table.assign(
        share=table["used"] / table["capacity"].where(table["capacity"] > 0),
        label=table.apply(
            lambda r: f"{r['used']:g}/{r['capacity']:g}" if pd.notna(r["capacity"]) else "∞",
            axis=1,
        ),
    )
    share = table.pivot(index="city", columns="resource", values="share")
    labels = table.pivot(index="city", columns="resource", values="label")
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
    """The outcome model's predicted probability against the share observed, by bin."""
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


def _bars(x: list, series: list[tuple[list, str, str]], layout: dict[str, Any]) -> go.Figure:
    """Grouped bars (horizontal when ``layout`` has ``orientation: h``)."""
    horizontal = layout.pop("orientation", None) == "h"
    figure = go.Figure()
    for values, name, color in series:
        if horizontal:
            figure.add_bar(y=x, x=values, orientation="h", name=name, marker_color=color)
        else:
            figure.add_bar(x=x, y=values, name=name, marker_color=color)
    figure.update_layout(barmode="group", legend=LEGEND_BELOW, **layout)
    return figure


def indicator_figures(by_month, by_city, _: Callable[[str], str]) -> dict[str, str]:
    """The monitoring page's charts: relocated and hired per month, hire rate and
    retention per city and over time, and retention curves per city."""
    months = [r for r in by_month if not r.suppressed]
    cities = [r for r in by_city if not r.suppressed]
    x = [r.group for r in months]
    over_time = _bars(
        x,
        [
            ([r.relocated for r in months], _("Trasladadas"), "#0b5cad"),
            ([r.hired for r in months], _("Contratadas"), "#1b6e3a"),
        ],
        {
            "height": 320,
            "margin": {"t": 10, "l": 40, "r": 10, "b": 80},
            "xaxis": {"type": "category"},
        },
    )
    per_city = _bars(
        [r.group for r in cities],
        [
            ([r.hire_rate for r in cities], _("Tasa de contratación"), "#1b6e3a"),
            ([r.retention_90d for r in cities], _("Retención a 90 días"), "#0b5cad"),
        ],
        {
            "orientation": "h",
            "height": 120 + 40 * len(cities),
            "margin": {"t": 10, "l": 120, "r": 10, "b": 80},
            "xaxis": {"tickformat": ".0%", "range": [0, 1]},
        },
    )
    retention = go.Figure()
    retention.add_scatter(
        x=x,
        y=[r.retention_90d for r in months],
        mode="lines+markers",
        name=_("Retención a 90 días"),
        line={"color": "#0b5cad"},
    )
    retention.add_scatter(
        x=x,
        y=[r.hire_rate for r in months],
        mode="lines+markers",
        name=_("Tasa de contratación"),
        line={"color": "#1b6e3a", "dash": "dash"},
    )
    retention.update_layout(
        height=300,
        margin={"t": 10, "l": 40, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"type": "category"},
        yaxis={"tickformat": ".0%", "range": [0, 1]},
    )
    # Retention curves: the share of hired people still employed 30, 90 and 180 days on.
    curve = go.Figure()
    for row in cities:
        points = [row.retention_30d, row.retention_90d, row.retention_180d]
        if any(p is not None for p in points):
            curve.add_scatter(x=[30, 90, 180], y=points, mode="lines+markers", name=row.group)
    curve.update_layout(
        height=320,
        margin={"t": 10, "l": 40, "r": 10, "b": 80},
        legend=LEGEND_BELOW,
        xaxis={"title": _("Días desde la contratación"), "tickvals": [30, 90, 180]},
        yaxis={"tickformat": ".0%", "range": [0, 1]},
    )
    return {
        "over_time": figure_html(over_time),
        "per_city": figure_html(per_city),
        "retention": figure_html(retention),
        "curve": figure_html(curve),
    }
