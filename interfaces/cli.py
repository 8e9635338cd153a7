"""The ``dealtrail`` command line."""

from __future__ import annotations

import typer

app = typer.Typer(help="dealtrail: an event-sourced B2B sales process.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users and their bearer tokens.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(name: str, role: list[str] = typer.Option(..., "--role", help="a role; repeat")) -> None:
    """Append a user to the users file and print its new token once."""
    from application.config import Settings
    from application.users import UserDirectory

    directory = UserDirectory(Settings.from_env().users_file)
    try:
        token = directory.add(name, role)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    typer.echo(token)


def main() -> None:
    app()
