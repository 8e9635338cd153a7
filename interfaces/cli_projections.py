"""``dealtrail projections run|rebuild`` and ``dealtrail demo``."""

from __future__ import annotations

import signal
import time
from typing import Annotated, Any

import typer

projections_app = typer.Typer(help="Read models: run the worker or rebuild from the log.")


def register(app: typer.Typer) -> None:
    """Plug these commands into the ``dealtrail`` command line."""
    app.add_typer(projections_app, name="projections")
    app.command("demo")(demo)


def _runner(batch_size: int = 200) -> Any:
    from application.service import Dealtrail
    from projections import build_runner

    return build_runner(Dealtrail(), batch_size=batch_size)


@projections_app.command("run")
def run(once: bool = typer.Option(False, "--once", help="catch up with the log, then exit"),
        batch_size: int = typer.Option(200, "--batch-size", min=1,
                                       help="events per transaction"),
        poll: float = typer.Option(0.2, "--poll", help="seconds between polls when idle"),
        ) -> None:
    """Follow the event log and keep every read model up to date (the worker)."""
    runner = _runner(batch_size)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    try:
        while not stop[0]:
            applied = runner.step()
            if applied == 0:
                if once:
                    break
                time.sleep(poll)
    except KeyboardInterrupt:
        pass
    finally:
        typer.echo(f"projections at {runner.positions()}")
        runner.close()
        runner.app.close()


@projections_app.command("rebuild")
def rebuild(name: Annotated[list[str] | None, typer.Argument(
        help="read models (default: all)")] = None) -> None:
    """Drop the read models' tables and rebuild them from the whole log."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    runner = _runner()
    names = list(name or runner.projections)
    unknown = sorted(set(names) - set(runner.projections))
    if unknown:
        runner.close()
        raise typer.BadParameter(f"unknown read models {unknown}; "
                                 f"known: {sorted(runner.projections)}")
    try:
        with Progress(TextColumn("rebuilding {task.description}"), BarColumn(),
                      MofNCompleteColumn()) as bar:
            label = ", ".join(names) if name else "every read model"
            task = bar.add_task(label, total=max(runner.head(), 1))
            runner.rebuild(names, progress=lambda at, head: bar.update(
                task, completed=at, total=max(head, 1)))
            bar.update(task, completed=max(runner.head(), 1))
        typer.echo(f"rebuilt {', '.join(names)} up to position {runner.position()}")
    finally:
        runner.close()
        runner.app.close()


def demo() -> None:
    """Load the manual's worked examples (XX科技, YY制造) and a few deals at other stages."""
    from application.clock import FixedClock
    from application.config import Settings
    from application.examples import load_demo
    from application.service import Dealtrail
    from application.users import UserDirectory

    settings = Settings.from_env()
    clock = FixedClock(time_today(settings.timezone))
    users = UserDirectory(settings.users_file)
    app = Dealtrail(settings, clock, users)
    try:
        ids = load_demo(app, clock, users)
    finally:
        app.close()
    for customer, deal_id in ids.items():
        typer.echo(f"{deal_id}  {customer}")
    typer.echo("demo users have the tokens token-<name> (e.g. token-zhangsan)")


def time_today(tz: str) -> Any:
    from application.clock import SystemClock

    return SystemClock(tz).today()
