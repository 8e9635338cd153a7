"""The ``dealtrail`` command line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from interfaces.cli_audit import register as register_audit
from interfaces.cli_projections import register as register_projections

app = typer.Typer(help="dealtrail: an event-sourced B2B sales process.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users and their bearer tokens.")
app.add_typer(users_app, name="users")
register_projections(app)  # projections run|rebuild, demo
register_audit(app)  # audit verify|digest


@users_app.command("add")
def users_add(name: str,
              role: Annotated[list[str], typer.Option("--role", help="a role; repeat")]) -> None:
    """Append a user to the users file and print its new token once."""
    from application.config import Settings
    from application.users import UserDirectory

    directory = UserDirectory(Settings.from_env().users_file)
    try:
        token = directory.add(name, role)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    typer.echo(token)


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
          port: int = typer.Option(8000, help="TCP port"),
          no_projections: bool = typer.Option(False, "--no-projections",
                                              help="a separate worker runs the projections"),
          ) -> None:
    """Run the HTTP API (and, unless --no-projections, the projections) in this process."""
    import uvicorn

    from application.config import Settings
    from interfaces.container import Container
    from interfaces.http.app import create_app

    settings = Settings.from_env()
    bootstrap_users(settings.users_file)
    container = Container.build(settings)
    api = create_app(container)
    # workers start and stop with the server: uvicorn re-raises SIGTERM after its graceful
    # shutdown, so code after uvicorn.run() would never close them
    api.router.lifespan_context = partial(running, container, no_projections)
    uvicorn.run(api, host=host, port=port, log_level="warning")


@asynccontextmanager
async def running(container: Any, no_projections: bool, _: object) -> AsyncIterator[None]:
    """The container's workers (projections, webhook deliveries) run while the API does."""
    for name, part in container.extras.items():
        if hasattr(part, "start") and not (no_projections and name == "projections"):
            part.start()
    try:
        yield
    finally:
        container.close()
        typer.echo("dealtrail stopped", err=True)


def bootstrap_users(path: Path) -> None:
    """With no users file, create one holding an ``admin`` and print its token once."""
    from application.users import UserDirectory

    if path.exists():
        return
    token = UserDirectory(path).add("admin", ["admin"])
    typer.echo(f"created {path} with the user admin; its bearer token (shown once):")
    typer.echo(f"admin token: {token}")


def main() -> None:
    app()
