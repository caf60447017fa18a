"""The `qcode` command: global options, command registration and error reporting."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from qcode import __version__
from qcode.cli.state import STATE

# A command is a short-lived process that allocates many long-lived objects while importing
# (SQLAlchemy, the models) and few cycles after: collecting every 700 allocations spends ~40 ms
# of a ~100 ms start on nothing. Collections still run, just less often.
gc.set_threshold(50_000, 20, 20)


class QcodeGroup(TyperGroup):
    """Turns a `QcodeError` raised anywhere below into one red line and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        from qcode.errors import QcodeError

        try:
            return super().invoke(ctx)
        except QcodeError as exc:
            if os.environ.get("QCODE_DEBUG") == "1":
                raise
            from qcode.cli.output import error, one_line

            error(str(exc))
            for problem in getattr(exc, "problems", [])[:200]:
                typer.echo(one_line(problem), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader (`head`, a pager) went away: stop quietly, as a Unix filter should.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing half-done was kept", err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("QCODE_DEBUG") == "1" or _is_exit(exc):
                raise
            from qcode.cli.output import error

            # Never print locals or transcript text: the type and first line are enough to report.
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            error(f"unexpected {type(exc).__name__}: {first} (rerun with QCODE_DEBUG=1 for details)")
            ctx.exit(4)


def _is_exit(exc: BaseException) -> bool:
    import click

    return isinstance(exc, (click.exceptions.Exit, click.exceptions.Abort, click.ClickException))


app = typer.Typer(
    cls=QcodeGroup,
    name="qcode",
    help="Qualitative coding of interview transcripts from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # click already names the close matches of an unknown command; typer would name them again.
    suggest_commands=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qcode {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: str = typer.Option(
        None,
        "--db",
        envvar="QCODE_DB",
        metavar="FILE|URL",
        help="Project database: a SQLite file or a SQLAlchemy URL "
        "(default: the nearest qcode.db in this folder or above).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Qualitative coding of interview transcripts from the terminal."""
    STATE.db = db


def _register() -> None:
    from qcode.cli import (
        agreement,
        browse,
        bulk,
        codebook,
        coders,
        coding,
        db,
        export,
        history,
        importing,
        interactive,
        memos,
        pack,
        project,
        resolve,
        retrieve,
        review,
        rounds,
        search,
        stats,
        team,
    )

    project.register(app)
    importing.register(app)
    browse.register(app)
    app.add_typer(codebook.app, name="codebook")
    coding.register(app)
    memos.register(app)
    coders.register(app)
    interactive.register(app)
    review.register(app)
    agreement.register(app)
    rounds.register(app)
    resolve.register(app)
    history.register(app)
    retrieve.register(app)
    bulk.register(app)
    search.register(app)
    export.register(app)
    app.add_typer(db.app, name="db")
    app.add_typer(pack.app, name="pack")
    stats.register(app)
    team.register(app)


_register()


def run() -> None:
    """Console-script entry point."""
    app(prog_name="qcode")
    sys.exit(0)
