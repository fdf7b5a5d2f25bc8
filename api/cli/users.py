"""``arraigo users``: manage the service's users from the machine it runs on."""

import sys
from typing import Annotated

import typer

from ._console import EXIT_INVALID, console, errors

users_app = typer.Typer(help="Usuarios del servicio / service users.", no_args_is_help=True)


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
    from ..db import make_engine, session_factory, transaction, upgrade
    from ..services.audit import audit
    from ..services.auth import use_password_cost
    from ..services.errors import ServiceError
    from ..services.users import create_user
    from ..settings import get_settings

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Contraseña / password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    use_password_cost(settings.password_time_cost, settings.password_memory_kib)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with transaction(session_factory(engine)) as session:
            create_user(session, username, role, password)
            audit(session, "cli", "user_create", "user", username, role=role)
    except ServiceError as exc:
        errors.print(f"[bold red]{exc.detail}[/]")
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        engine.dispose()
    console.print(f"[green]Usuario {username} ({role}) creado / user created.[/]")
