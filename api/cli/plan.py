"""``arraigo plan``: load a batch, solve the relocation plan, write plan.json.

Scores come from a ``--scores`` file (family, city, score); without one the plan
follows families' preferences and vulnerability only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from arraigo.data import Dataset, DataValidationError, load_dataset

from ._console import EXIT_INVALID, errors

if TYPE_CHECKING:
    from arraigo.optimizer import PlanOptions, Progress

SCORE_COLUMNS = ("family_id", "city", "score")


def run_plan(
    dataset: Dataset,
    *,
    family_city_scores: pd.DataFrame | None = None,
    member_vacancy_scores: pd.DataFrame | None = None,
    member_city_scores: pd.DataFrame | None = None,
    locks: dict[str, str] | None = None,
    options: PlanOptions | None = None,
    time_limit: float = 60.0,
    seed: int = 0,
    gap: float = 0.0,
    on_progress: Callable[[Progress], None] | None = None,
) -> dict:
    """Plan a loaded batch and return the plan.json record.

    ``family_city_scores`` (a ``--scores`` file) replaces the model's scores for the
    families it names; the model's own scores come as member–vacancy or member–city
    tables from the matching outcome model.
    """
    from arraigo.optimizer import SolveParams, instance_from_frames, make_plan, plan_record

    instance = instance_from_frames(
        dataset,
        member_vacancy_scores=member_vacancy_scores,
        member_city_scores=member_city_scores,
        family_city_scores=family_city_scores,
        locks=locks,
    )
    params = SolveParams(
        time_limit=time_limit, seed=seed, relative_gap=gap, on_progress=on_progress
    )
    return plan_record(make_plan(instance, options, params))


def read_scores(path: Path) -> pd.DataFrame:
    """A ``family_id, city, score`` table; raises ValueError naming what is wrong."""
    frame = pd.read_csv(path, dtype={"family_id": str, "city": str})
    missing = [c for c in SCORE_COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"{path.name}: faltan las columnas {', '.join(missing)}")
    score = pd.to_numeric(frame["score"], errors="coerce")
    bad = frame.index[score.isna()].tolist()
    if bad:
        raise ValueError(f"{path.name}: puntaje no numérico en las filas {[b + 2 for b in bad]}")
    return frame.assign(score=score)[list(SCORE_COLUMNS)]


def read_locks(path: Path) -> dict[str, str]:
    """A ``family_id, city`` table of staff decisions; raises ValueError naming the problem."""
    frame = pd.read_csv(path, dtype=str)
    missing = [c for c in ("family_id", "city") if c not in frame]
    if missing:
        raise ValueError(f"{path.name}: faltan las columnas {', '.join(missing)}")
    return dict(zip(frame["family_id"].str.strip(), frame["city"].str.strip(), strict=True))


def _progress_printer() -> Callable[[Progress], None]:
    """Print the search's state at most once a second (and every first plan)."""
    last = {"at": -1.0}

    def show(p: Progress) -> None:
        if p.elapsed - last["at"] < 1.0 and last["at"] >= 0:
            return
        last["at"] = p.elapsed
        best = "—" if p.objective != p.objective else f"{p.objective:.3f}"
        gap = "—" if p.gap == float("inf") else f"{p.gap:.2%}"
        errors.print(f"  mejor plan {best} · cota {p.bound:.3f} · brecha {gap} · {p.elapsed:.1f} s")

    return show


def plan_command(
    data: Annotated[Path, typer.Option("--data", help="Carpeta con los CSV del contrato.")],
    out: Annotated[Path, typer.Option("--out", help="Archivo plan.json a escribir.")],
    scores: Annotated[
        Path | None,
        typer.Option("--scores", help="CSV family_id,city,score que reemplaza los puntajes."),
    ] = None,
    locks: Annotated[
        Path | None,
        typer.Option("--locks", help="CSV family_id,city: asignaciones fijadas por el personal."),
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Segundos.")] = 60.0,
    seed: Annotated[int, typer.Option("--seed", help="Semilla: mismo plan.")] = 0,
    gap: Annotated[
        float,
        typer.Option("--gap", help="Parar con esta brecha certificada (0.005 = 0,5 %)."),
    ] = 0.0,
) -> None:
    """Planifica la reubicación de un lote: familias a ciudades y personas a vacantes."""
    start = time.perf_counter()
    try:
        dataset = load_dataset(data)
        family_scores = read_scores(scores) if scores is not None else None
        fixed = read_locks(locks) if locks is not None else None
    except DataValidationError as error:
        for problem in error.problems:
            errors.print(f"[red]{problem.message()}[/red]")
        raise typer.Exit(EXIT_INVALID) from None
    except (OSError, ValueError) as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_INVALID) from None
    if family_scores is None:
        errors.print(
            "[yellow]Sin puntajes (--scores): el plan solo usa preferencias y "
            "prioridad de vulnerabilidad.[/yellow]"
        )
    errors.print(f"Resolviendo (límite {time_limit:.0f} s, semilla {seed})…")
    try:
        record = run_plan(
            dataset,
            family_city_scores=family_scores,
            locks=fixed,
            time_limit=time_limit,
            seed=seed,
            gap=gap,
            on_progress=_progress_printer(),
        )
    except ValueError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_INVALID) from None
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    placed = sum(f["city"] is not None for f in record["families"])
    errors.print(
        f"Estado: {record['status']} · objetivo {record['objective']} · cota {record['bound']}"
        f" · brecha {record['gap']} · {placed} de {len(record['families'])} familias"
        f" reubicadas · {time.perf_counter() - start:.1f} s en total → {out}"
    )
    for line in record["conflicts"]:
        errors.print(f"[red]Conflicto:[/red] {line}")
    if record["status"] == "infeasible":
        raise typer.Exit(code=1)
