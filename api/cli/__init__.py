"""The ``arraigo`` command line: one module per command (generate, validate, demo and
its report, match, plan, serve, users)."""

import os
import sys

import typer

from .demo import demo
from .generate import generate
from .match import match_command
from .plan import plan_command
from .serve import serve
from .users import users_app
from .validate import validate

app = typer.Typer(
    name="arraigo",
    help="Arraigo: reubicación e inserción laboral / relocation and job matching.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(validate)
app.command()(generate)
app.command()(demo)
app.add_typer(users_app, name="users")
app.command()(serve)
app.command("match")(match_command)
app.command("plan")(plan_command)


def main() -> None:
    """Entry point of the ``arraigo`` console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app(prog_name="arraigo")


if __name__ == "__main__":
    sys.exit(main())
