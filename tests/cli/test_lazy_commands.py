"""The command table in qcode.cli.main against the commands themselves.

`qcode --help` lists commands from the table without importing their modules, and running a
command imports only its own module; both are only right while the table says what the modules
register.
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
import typer

from qcode.cli.main import COMMANDS, all_commands, load_module


def _registered() -> dict[str, tuple[str, click.Command]]:
    """Every top-level command, by loading every module named in the table."""
    found: dict[str, tuple[str, click.Command]] = {}
    for module in dict.fromkeys(module for module, _ in COMMANDS.values()):
        for name, command in load_module(module).items():
            assert name not in found, f"{name} is registered by {found[name][0]} and {module}"
            found[name] = (module, command)
    return found


def test_the_table_names_every_command_and_its_module() -> None:
    registered = _registered()
    assert set(registered) == set(COMMANDS)
    wrong = {name: (COMMANDS[name][0], module) for name, (module, _) in registered.items()
             if COMMANDS[name][0] != module}
    assert not wrong, f"table module vs registering module: {wrong}"


@pytest.mark.parametrize("width", [20, 45, 74, 200])
def test_the_listing_gives_each_commands_own_short_help(width: int) -> None:
    for name, (_, command) in _registered().items():
        table = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(width)
        assert table == command.get_short_help_str(width), name


def test_help_lists_the_table_in_order() -> None:
    from typer.testing import CliRunner

    from qcode.cli.main import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:\n", 1)[1].splitlines()
              if line.startswith("  ") and not line.startswith("   ")]
    assert listed == list(COMMANDS)
    assert set(all_commands().commands) == set(COMMANDS)


def test_help_and_one_command_import_only_what_they_need() -> None:
    probe = (
        "import sys\n"
        "from qcode.cli.main import app\n"
        "try:\n"
        "    app(prog_name='qcode', args=sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('qcode.cli.') and m not in\n"
        "                ('qcode.cli.main', 'qcode.cli.state', 'qcode.cli.output'))\n"
        "print('LOADED:' + ' '.join(loaded))\n"
    )
    help_run = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True,
                              text=True, check=True)
    assert help_run.stdout.strip().splitlines()[-1] == "LOADED:"
    tag_run = subprocess.run([sys.executable, "-c", probe, "tag", "--help"], capture_output=True,
                             text=True, check=True)
    assert tag_run.stdout.strip().splitlines()[-1] == "LOADED:qcode.cli.coding"


def test_an_unknown_command_is_still_refused_with_a_suggestion() -> None:
    from typer.testing import CliRunner

    from qcode.cli.main import app

    result = CliRunner().invoke(app, ["tagg"])
    assert result.exit_code == 2
    assert "No such command" in result.output
    assert typer.main.get_command(app).get_command(click.Context(click.Command("x")), "tagg") is None
