"""``dealtrail audit verify [--digest FILE]``, ``dealtrail audit digest [--output FILE]``
and ``dealtrail export [--output FILE]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

audit_app = typer.Typer(help="Tamper evidence: verify hash chains, take and check digests.")


def register(app: typer.Typer) -> None:
    """Plug these commands into the ``dealtrail`` command line."""
    app.add_typer(audit_app, name="audit")
    app.command("export")(export)


def _app() -> Any:
    from application.service import Dealtrail

    return Dealtrail()


@audit_app.command("verify")
def verify(digest_file: Annotated[Path | None, typer.Option(
        "--digest", exists=True, dir_okay=False,
        help="a digest taken earlier (JSON with position and digest)")] = None) -> None:
    """Check every deal's hash chain (and, with --digest, that history up to the kept
    position is unchanged). Exit code 1 on any failure."""
    from application import audit

    app = _app()
    try:
        verdicts = audit.verify_all(app)
        bad = {d: v for d, v in verdicts.items() if not v["ok"]}
        for deal_id, v in bad.items():
            typer.echo(f"BAD {deal_id} version {v['first_bad_version']}: {v['reason']}")
        typer.echo(f"{len(verdicts) - len(bad)} of {len(verdicts)} deals verified")
        failed = bool(bad)
        if digest_file is not None:
            failed = not _check_digest(app, digest_file) or failed
    finally:
        app.close()
    raise typer.Exit(1 if failed else 0)


def _check_digest(app: Any, path: Path) -> bool:
    from application import audit

    try:
        kept = json.loads(path.read_text("utf-8"))
        result = audit.check_digest(app, kept)
    except (ValueError, KeyError, TypeError) as e:
        typer.echo(f"BAD digest file {path}: {type(e).__name__} {e}")
        return False
    if result["ok"]:
        typer.echo(f"digest at position {result['position']} matches: {result['digest']}")
    else:
        typer.echo(f"BAD digest at position {result['position']}: kept "
                   f"{result['expected']}, the log now gives {result['digest']}")
    return bool(result["ok"])


@audit_app.command("digest")
def digest(output: Annotated[Path | None, typer.Option(
               "--output", "-o", help="also write the digest to this file")] = None,
           position: Annotated[int | None, typer.Option(
               "--position", min=0, help="log position (default: the head)")] = None,
           ) -> None:
    """Print {"position", "digest"} of the log (SPEC §7); keep it outside the system."""
    from application import audit

    app = _app()
    try:
        answer = json.dumps(audit.digest(app, position))
    finally:
        app.close()
    if output is not None:
        output.write_text(answer + "\n", "utf-8")
    typer.echo(answer)


def export(output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="write the NDJSON here (default: standard output)")] = None,
           ) -> None:
    """Every event with its hashes as NDJSON, in log order, a page at a time."""
    import sys

    from application import audit

    app = _app()
    try:
        lines = audit.export_lines_unchecked(app)
        with (output.open("wb") if output is not None else sys.stdout.buffer) as out:
            for line in lines:
                out.write(line)
    finally:
        app.close()
