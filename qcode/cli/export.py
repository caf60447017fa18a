"""`qcode export KIND`: tables and exchange files made from the project."""

from __future__ import annotations

import typer

app = typer.Typer(help="Export the project: REFI-QDA files, memos.", no_args_is_help=True)


def register(main_app: typer.Typer) -> None:
    from qcode.cli import codebook, refi

    refi.register(app, codebook.app)
    main_app.add_typer(app, name="export")
