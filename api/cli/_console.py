"""What every command shares: the consoles, the exit code for bad input, the --lang
option, and printing every problem of a file with its row and column."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from arraigo.data import Dataset, DataValidationError, Problem, load_dataset

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


def fail(message: str) -> typer.Exit:
    """Print an error line; the Exit to raise (code 2)."""
    errors.print(f"[red]Error:[/red] {message}")
    return typer.Exit(EXIT_INVALID)


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


def fail_on_problems(problems: list[Problem], lang: str) -> typer.Exit:
    """Print every problem and that nothing was loaded; the Exit to raise (code 2)."""
    print_problems(problems, lang)
    count = sum(p.severity == "error" for p in problems)
    message = (
        f"{count} error(es): no se cargó nada. Corrija los archivos y vuelva a intentar."
        if lang != "en"
        else f"{count} error(s): nothing was loaded. Fix the files and try again."
    )
    errors.print(f"[bold red]{message}[/]")
    return typer.Exit(EXIT_INVALID)


def load_or_exit(path: Path, lang: str = "es", **options) -> Dataset:
    """Load a dataset for a command; on bad input print every problem and exit 2."""
    try:
        return load_dataset(path, **options)
    except DataValidationError as exc:
        raise fail_on_problems(exc.problems, lang) from None
