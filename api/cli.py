"""The ``arraigo`` command line: generate, validate, demo (and the commands of the
matching and planning engines)."""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from arraigo.api._cmd_match import match_command
from arraigo.api._cmd_plan import plan_command
from arraigo.data import (
    KINDS,
    Dataset,
    DataValidationError,
    Problem,
    city_summary,
    generate_history,
    generate_scenario,
    load_dataset,
    population_summary,
    validate_paths,
)

app = typer.Typer(
    name="arraigo",
    help="Arraigo: reubicación e inserción laboral / relocation and job matching.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Outside a terminal (pipes, logs) rich assumes 80 columns; tables need more.
console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

# Exit code for input that does not pass validation.
EXIT_INVALID = 2

Lang = Annotated[
    str,
    typer.Option(
        "--lang",
        help="Idioma de los mensajes: es o en / message language.",
        envvar="ARRAIGO_LANG",
    ),
]


def print_problems(problems: list[Problem], lang: str = "es") -> None:
    """A table of problems: file, row, column and the message, errors first."""
    if not problems:
        return
    es = lang != "en"
    table = Table(
        title="Problemas encontrados" if es else "Problems found",
        show_lines=False,
        header_style="bold",
    )
    for column in (
        ("archivo", "fila", "columna", "tipo", "mensaje")
        if es
        else ("file", "row", "column", "kind", "message")
    ):
        table.add_column(column, overflow="fold")
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.file, p.row, p.column))
    for p in ordered:
        kind = {"error": "error", "warning": "aviso" if es else "warning"}[p.severity]
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(
            Path(p.file).name, str(p.row or ""), p.column, f"[{style}]{kind}[/]", p.message(lang)
        )
    errors.print(table)


def _fail_on_problems(problems: list[Problem], lang: str) -> None:
    print_problems(problems, lang)
    count = sum(p.severity == "error" for p in problems)
    message = (
        f"{count} error(es): no se cargó nada. Corrija los archivos y vuelva a intentar."
        if lang != "en"
        else f"{count} error(s): nothing was loaded. Fix the files and try again."
    )
    errors.print(f"[bold red]{message}[/]")
    raise typer.Exit(EXIT_INVALID)


def load_or_exit(path: Path, lang: str = "es", **options) -> Dataset:
    """Load a dataset for a command; on bad input print every problem and exit 2."""
    try:
        dataset = load_dataset(path, **options)
    except DataValidationError as exc:
        _fail_on_problems(exc.problems, lang)
    return dataset


@app.command()
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Archivos o carpetas (people, families, destinations, vacancies)."),
    ],
    lang: Lang = "es",
    as_json: Annotated[bool, typer.Option("--json", help="Salida en JSON / JSON output.")] = False,
) -> None:
    """Valida los archivos y reporta cada problema con archivo, fila y columna.

    Validate the files; every problem with file, row and column. Exit code 2 on errors.
    """
    dataset, problems = validate_paths(paths)
    if as_json:
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
        if dataset is None:
            raise typer.Exit(EXIT_INVALID)
        return
    if dataset is None:
        _fail_on_problems(problems, lang)
    print_problems(problems, lang)
    counts = {kind: len(frame) for kind in KINDS if (frame := getattr(dataset, kind)) is not None}
    summary = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    console.print(f"[bold green]{'OK' if lang != 'en' else 'Valid'}[/] ({summary})")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida / output folder.")],
    families: Annotated[int, typer.Option("--families", min=1, help="Número de familias.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Semilla / random seed.")] = 0,
    vacancies: Annotated[
        int | None, typer.Option("--vacancies", min=0, help="Número de vacantes (0.9 por familia).")
    ] = None,
    tightness: Annotated[
        float,
        typer.Option("--tightness", min=0.05, help="Capacidad total / demanda (0.8 = apretado)."),
    ] = 0.8,
    file_format: Annotated[str, typer.Option("--format", help="csv, parquet o xlsx.")] = "csv",
    history: Annotated[
        int,
        typer.Option(
            "--history",
            min=0,
            help="Familias de una cohorte pasada con resultados simulados, en OUT/history/.",
        ),
    ] = 0,
) -> None:
    """Genera el escenario sintético de México (determinista para una semilla).

    Generate the synthetic Mexico scenario: people, families, destinations, vacancies.
    """
    started = time.perf_counter()
    dataset = generate_scenario(families, seed=seed, vacancies=vacancies, tightness=tightness)
    suffix = f".{file_format.lstrip('.')}"
    written = dataset.write(out, suffix=suffix)
    if history:
        written += generate_history(history, seed=seed).write(out / "history", suffix=suffix)
    elapsed = time.perf_counter() - started
    for path in written:
        console.print(f"  {path}")
    console.print(
        f"[green]{len(dataset.families)} familias, {len(dataset.people)} personas, "
        f"{0 if dataset.vacancies is None else len(dataset.vacancies)} vacantes[/] "
        f"({elapsed:.1f} s)"
    )


_SHORT_LABELS = {
    "city": "ciudad",
    "housing_units": "vivienda",
    "school_preescolar": "preesc.",
    "school_primaria": "prim.",
    "school_secundaria": "sec.",
    "school_bachillerato": "bach.",
    "health_slots": "salud",
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
        label = _SHORT_LABELS.get(column, column)
        table.add_column(label, justify="left" if column == "city" else "right", no_wrap=True)
    for row in cities.itertuples(index=False):
        table.add_row(
            *("" if pd.isna(v) else f"{v:.0f}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(table)


@app.command()
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
    from arraigo.api._demo import run_demo
    from arraigo.api._report import render

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
    result.matches[["person_id", "rank", "vacancy_id", "score", "reason"]].to_csv(
        out / "matches.csv", index=False
    )
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


users_app = typer.Typer(help="Usuarios del servicio / service users.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Nombre de usuario / username.")],
    role: Annotated[
        str,
        typer.Option("--role", help="admin, relocation_staff, employment_officer o partner."),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Leer la contraseña de stdin.")
    ] = False,
) -> None:
    """Crea un usuario (el primero debe ser admin) / create a user.

    Without --password-stdin the password is asked twice at the prompt.
    """
    from arraigo.api._audit import audit
    from arraigo.api._db import make_engine, session_factory, transaction, upgrade
    from arraigo.api._security import create_user
    from arraigo.api._settings import get_settings

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Contraseña / password", hide_input=True, confirmation_prompt=True)
    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    try:
        with transaction(session_factory(engine)) as session:
            create_user(session, username, role, password)
            audit(session, "cli", "user_create", "user", username, role=role)
    except ValueError as exc:
        errors.print(f"[bold red]{exc}[/]")
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        engine.dispose()
    console.print(f"[green]Usuario {username} ({role}) creado / user created.[/]")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Dirección / address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Puerto / port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Procesos / worker processes (default: one per CPU core, at most 8).",
        ),
    ] = None,
) -> None:
    """Inicia el servicio web (API y páginas) / start the web service.

    The database is ARRAIGO_DATABASE_URL (default: the SQLite file arraigo.sqlite3
    here); it is created and upgraded on start, once, before the workers start. Each
    worker process answers requests on the same port; plan jobs started in one can be
    followed and cancelled from any.
    """
    import uvicorn

    from ._db import make_engine, upgrade
    from ._settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    count = workers or min(usable_cores(), 8)
    if count > 1:  # workers stop if this supervisor dies (see app.stop_with_supervisor)
        os.environ["ARRAIGO_SUPERVISOR_PID"] = str(os.getpid())
    uvicorn.run("arraigo.api.app:create_app", factory=True, host=host, port=port, workers=count)


app.command("match")(match_command)
app.command("plan")(plan_command)


def main() -> None:
    """Entry point of the ``arraigo`` console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app(prog_name="arraigo")


if __name__ == "__main__":
    sys.exit(main())
