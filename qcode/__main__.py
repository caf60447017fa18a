"""`python -m qcode` runs the command-line interface."""

from qcode.cli.main import run

run()
