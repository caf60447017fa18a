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
    """Loads each command's module when the command is run, and turns a `QcodeError` raised
    anywhere below into one red line and its exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for name, command in load_module(COMMANDS[cmd_name][0]).items():
                self.add_command(command, name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from difflib import get_close_matches

            close = get_close_matches(name, list(COMMANDS))
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # The listing from the table: `qcode --help` imports no command module.
        import click

        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name, help=summary).get_short_help_str(width))
                for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


# Every command, the module that registers it and the first sentence of its help, in the order
# `qcode --help` lists them. Running a command imports only its module, and `qcode --help` none:
# a coder starts qcode hundreds of times a day. tests/cli/test_lazy_commands.py keeps this table
# in step with the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("project", "Create a new project, refusing to overwrite an existing one."),
    "summary": ("project", "Summarise the project: documents, cases, words, speaker turns, codes, "
                "codings."),
    "import": ("importing", "Import transcripts (.txt .md .docx .odt .rtf .pdf .vtt .srt .html "
               ".json), or REFI-QDA projects (.qdpx .qde) from NVivo, ATLAS.ti, MAXQDA or "
               "QualCoder."),
    "docs": ("browse", "List documents with their case, words, speaker turns and codings."),
    "show": ("browse", "Print a transcript with line and turn numbers and speakers, ready to cite, "
             "its coded passages highlighted in the codebook's colours and labelled `code(coder)` "
             "in the margin."),
    "cases": ("browse", "List cases with their attributes and number of documents."),
    "tag": ("coding", "Code a passage: a turn, paragraph, sentence, lines, characters or a quote."),
    "untag": ("coding", "Remove codings, by id or by the same target and code used to tag them."),
    "recode": ("coding", "Change a coding's code, keeping its span, memo and history."),
    "memo": ("memos", "Add to (with TEXT) or show (without) the memo thread on a coding, document, "
             "code or project."),
    "code": ("interactive", "Code a transcript: on a terminal the full-screen coding screen, else "
             "prompts."),
    "codings": ("review", "List codings."),
    "agreement": ("agreement", "Inter-coder agreement per code (or domain) and pooled, on a unit "
                  "of analysis."),
    "disagreements": ("agreement", "Every place where the coders differ, with a stable id, the "
                      "text, each coder's codes and whether a PI has decided it (`qcode "
                      "resolve`)."),
    "resolve": ("resolve", "Decide a disagreement (a PI's action): which coder's coding stands, "
                "with a note why."),
    "log": ("history", "Show the audit trail: who changed what, when."),
    "undo": ("history", "Reverse your own last action (a bulk action counts as one)."),
    "redo": ("history", "Re-apply the action you last undid."),
    "retrieve": ("retrieve", "Print every passage coded with CODE: document, turn, lines, speaker "
                 "and context."),
    "autocode": ("bulk", "Code every sentence, turn or paragraph matching a pattern; one `qcode "
                 "undo` reverses it."),
    "import-codings": ("bulk", "Load codings from a CSV (as `qcode codings --format csv` writes "
                       "it): all rows or none."),
    "search": ("search", "Find words and phrases in every transcript, shown in context with turn "
               "and line numbers."),
    "stats": ("stats", "Headline figures (documents, cases, words, coders, codings) and how often "
              "each code is used: codings, documents and cases, a code counting the codes below "
              "it."),
    "report": ("report", "A report in one HTML file that opens offline: summary, codebook with "
               "counts, code frequencies by case attribute (counting cases), codes × documents, "
               "co-occurrence, agreement per round with intervals, and the transcripts with each "
               "coder's and the consensus codings highlighted."),
    "codebook": ("codebook", "Check, load, show and compare codebooks."),
    "coders": ("coders", "The coders of the project: who they are, their roles, and whether the "
               "roster is closed."),
    "round": ("rounds", "Coding rounds: who codes which documents, blind or not, and progress."),
    "consensus": ("resolve", "The consensus layer: what the coders agreed on and what a PI "
                  "decided."),
    "export": ("export", "Export tables for analysis: frequencies, segments (quotes), matrix, "
               "cooccurrence, codebook."),
    "db": ("db", "Look after the project database: check, backup, upgrade, vacuum."),
    "pack": ("pack", "Offline work packages: a coder's share of the project, and her work back."),
    "team": ("team", "A PostgreSQL team server: a database login per coder, with the blind rule "
             "kept by the server's row security (PI only; SQLite projects have no logins)."),
}

# A module's commands, built once per process (tests build many root groups).
_LOADED: dict[str, dict[str, Any]] = {}


def load_module(module: str) -> dict[str, Any]:
    """The click commands that `qcode.cli.<module>` registers, by name."""
    if module not in _LOADED:
        import importlib

        registrar = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False,
                                suggest_commands=False)
        importlib.import_module(f"qcode.cli.{module}").register(registrar)
        _LOADED[module] = dict(typer.main.get_group(registrar).commands)
    return _LOADED[module]


def all_commands() -> Any:
    """The root click group with every command loaded (for docs and tests that walk them)."""
    import click

    root = typer.main.get_command(app)
    ctx = click.Context(root)
    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        root.get_command(ctx, name)  # type: ignore[attr-defined]
    return root


def run() -> None:
    """Console-script entry point."""
    app(prog_name="qcode")
    sys.exit(0)
