"""Generate docs/cli.md from the commands' own help (tests/test_docs.py keeps it in step).

    python scripts/gen_cli_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def render() -> str:
    import typer

    from qcode.cli.main import all_commands

    root = all_commands()
    parts = [
        "# Command reference",
        "",
        "Generated from the commands' help by `python scripts/gen_cli_docs.py`; do not edit.",
        "",
    ]

    def walk(command: object, path: list[str], parent: object | None) -> None:
        # The command's own settings (the root's `-h, --help`), inherited below as when run.
        settings = {"max_content_width": 88, "terminal_width": 88,
                    **getattr(command, "context_settings", {})}
        ctx = typer.Context(command, info_name=path[-1], parent=parent,  # type: ignore[arg-type]
                            **settings)
        parts.extend([f"## `{' '.join(path)}`", "", "```text", command.get_help(ctx).rstrip(),  # type: ignore[attr-defined]
                      "```", ""])
        subcommands = getattr(command, "commands", {})
        for name in sorted(subcommands):
            walk(subcommands[name], [*path, name], ctx)

    walk(root, ["qcode"], None)
    return "\n".join(parts)


def main() -> None:
    target = REPO / "docs" / "cli.md"
    target.write_text(render(), encoding="utf-8")
    print(target)


if __name__ == "__main__":
    main()
