"""``arraigo generate``: write the synthetic Mexico scenario (and a past cohort)."""

import time
from pathlib import Path
from typing import Annotated

import typer

from arraigo.data import generate_history, generate_scenario

from ._console import console


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
    id_prefix: Annotated[
        str,
        typer.Option(
            "--id-prefix",
            help="Prefijo de los ids (p. ej. W2-) para un lote de otra semana / id prefix "
            "for a later week's batch, so ids never collide with earlier ones.",
        ),
    ] = "",
) -> None:
    """Genera el escenario sintético de México (determinista para una semilla).

    Generate the synthetic Mexico scenario: people, families, destinations, vacancies.
    """
    started = time.perf_counter()
    dataset = generate_scenario(
        families, seed=seed, vacancies=vacancies, tightness=tightness, id_prefix=id_prefix
    )
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
