"""``arraigo validate``: check files against the data contract, every problem named."""

import json
from pathlib import Path
from typing import Annotated

import typer

from arraigo.data import KINDS, validate_paths

from ._console import EXIT_INVALID, Lang, console, fail_on_problems, print_problems


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
        raise fail_on_problems(problems, lang)
    print_problems(problems, lang)
    counts = {kind: len(frame) for kind in KINDS if (frame := getattr(dataset, kind)) is not None}
    summary = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    console.print(f"[bold green]{'OK' if lang != 'en' else 'Valid'}[/] ({summary})")
