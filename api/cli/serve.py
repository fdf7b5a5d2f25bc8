"""``arraigo serve``: the web service (JSON API and pages), one worker per core."""

import os
from typing import Annotated

import typer


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies de confianza / addresses of the reverse proxies whose "
            "X-Forwarded-For and -Proto are believed (comma-separated; default: this "
            "machine, or $FORWARDED_ALLOW_IPS).",
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

    from ..db import make_engine, upgrade
    from ..settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    count = workers or min(usable_cores(), 8)
    if count > 1:  # workers stop if this supervisor dies (see app.stop_with_supervisor)
        os.environ["ARRAIGO_SUPERVISOR_PID"] = str(os.getpid())
    # The client address the sign-in throttle counts, and whether the request came over
    # HTTPS (HSTS), are the proxy's word only from these addresses.
    uvicorn.run(
        "arraigo.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=count,
        forwarded_allow_ips=forwarded_allow_ips,
    )
