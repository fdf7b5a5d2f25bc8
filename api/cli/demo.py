"""``arraigo demo``: the whole engine offline on a generated batch, with its report."""

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from arraigo.data import (
    Dataset,
    city_summary,
    generate_history,
    generate_scenario,
    population_summary,
    resource_label,
)

from ._console import console, load_or_exit
from .match import OUTPUT_COLUMNS

# Column headers of the destinations table that are not resources.
_HEADERS = {
    "city": "ciudad",
    "vacancies": "vacantes",
    "positions": "puestos",
    "first_choice": "1a opción",
}


def print_summary(dataset: Dataset) -> None:
    """The scenario at a glance: who waits, and each city's room and work."""
    populations = population_summary(dataset)
    table = Table(title="Personas en espera / people waiting", header_style="bold")
    table.add_column("nacionalidad")
    table.add_column("personas", justify="right")
    for code, count in populations["nationality"].head(10).items():
        table.add_row(str(code), str(count))
    console.print(table)
    cities = city_summary(dataset)
    table = Table(title="Destinos: capacidad y vacantes / destinations", header_style="bold")
    for column in cities.columns:
        label = _HEADERS.get(column) or resource_label(column)
        if column == "city":  # whole city names; numbers' headers may wrap instead
            table.add_column(label, justify="left", no_wrap=True, min_width=16)
        else:
            table.add_column(label, justify="right")
    for row in cities.itertuples(index=False):
        table.add_row(
            *("" if pd.isna(v) else f"{v:.0f}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(table)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida.")] = Path("arraigo-demo"),
    families: Annotated[int, typer.Option("--families", min=1)] = 200,
    history: Annotated[
        int, typer.Option("--history", min=50, help="Familias de la cohorte pasada.")
    ] = 300,
    time_limit: Annotated[float, typer.Option("--time-limit", min=1)] = 30.0,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Demostración completa sin conexión: escenario, modelo, vacantes, plan e informe.

    Offline demo: generate a scenario and a past cohort, validate them from disk, train
    the outcome model, match people to vacancies, plan the relocation, compare with
    the baselines and write report.html.
    """
    from ..services.demo import run_demo
    from .report import render

    console.rule("[bold]Arraigo: demostración / demo")
    console.print(f"1. Generando {families} familias y una cohorte pasada en {out}/ ...")
    generate_scenario(families, seed=seed).write(out)
    generate_history(history, seed=seed).write(out / "history")
    console.print("2. Validando los archivos / validating the files ...")
    current = load_or_exit(out, require=("people", "families", "destinations", "vacancies"))
    past = load_or_exit(out / "history", require=("people", "vacancies", "outcomes"))
    console.print(
        f"   OK: {len(current.people)} personas, {len(current.families)} familias, "
        f"{len(current.destinations)} destinos, {len(current.vacancies)} vacantes; "
        f"{len(past.outcomes)} resultados pasados"
    )
    print_summary(current)
    console.print("3. Motor / engine")
    result = run_demo(
        current,
        past,
        time_limit=time_limit,
        seed=seed,
        say=lambda text: console.print(f"   {text} ..."),
    )
    result.matches[list(OUTPUT_COLUMNS)].to_csv(out / "matches.csv", index=False)
    record = {**result.plan, "baselines": result.baselines, "score_source": result.score_source}
    (out / "plan.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    report = out / "report.html"
    report.write_text(render(current, result, dt.date.today()), encoding="utf-8")
    print_demo_summary(result)
    console.print(f"Archivos / files: {out / 'matches.csv'}, {out / 'plan.json'}, {report}")
    console.print("This service uses the ESCO classification of the European Commission.")


def print_demo_summary(result) -> None:
    """Model quality, the plan against the baselines, and what each step took."""
    metrics = result.model_metrics
    console.print(
        f"   Modelo de resultados: Brier {metrics['brier']:.3f}, AUC {metrics['roc_auc'] or 0:.3f} "
        f"({metrics['held_out']} colocaciones no vistas)"
    )
    plan = result.plan
    placed = sum(1 for f in plan["families"] if f["city"])
    console.print(
        f"   Plan: {plan['status']}, {placed} de {len(plan['families'])} familias reubicadas, "
        f"brecha {100 * (plan['gap'] or 0):.2f}%"
    )
    table = Table(title="Empleos esperados a 90 días / expected jobs kept at 90 days")
    table.add_column("método / method")
    table.add_column("empleos", justify="right")
    for name, value in result.baselines.items():
        table.add_row(name, f"{value:.1f}")
    console.print(table)
    console.print(
        "   Tiempos / times: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in result.seconds.items())
    )
