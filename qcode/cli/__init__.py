"""The command line: parse arguments, open one transaction, call one core function, render.

Only this package (and `tui/`) imports typer or rich. Modules here import the core lazily,
inside the commands, so that `qcode --help` and quick commands start fast.
"""
