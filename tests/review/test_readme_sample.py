"""README's first command, after `pip install .`: the sample project with its double coding as a
blind round prints the agreement table and the number of open disagreements, and ends writing
the HTML report and printing its path."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.conftest import REPO, Cli, Run


def first_command_steps() -> list[list[str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)[0]
    steps = [shlex.split(part) for part in first.split(" && ")]
    return [argv[1:] for argv in steps if argv and argv[0] == "qcode"]


def test_readme_first_command_shows_the_pis_workflow(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    runs: list[tuple[list[str], Run]] = []
    for argv in first_command_steps():
        # The repository's files, read from where the checkout is; the project in tmp.
        argv = [str(REPO / a) if not a.startswith("-") and (REPO / a).exists() and a != "sample"
                else a for a in argv]  # fmt: skip
        run = cli(*argv, db=False)
        assert run.exit_code == 0, (argv, run.stderr)
        runs.append((argv, run))
    commands = [a[2] if a[:2] == ["--db", "sample"] else a[0] for a, _ in runs]
    assert commands.index("round") < commands.index("import-codings")  # codings join the round
    agreement = next(r for a, r in runs if "agreement" in a)
    header = agreement.stdout.splitlines()[0].split()
    assert header[:3] == ["code", "measure", "value"] and "percent" in header
    assert re.search(r"^diaspora\s+kappa\s+0\.\d{3}", agreement.stdout, flags=re.M)
    assert "round pilot, 40 document(s)" in agreement.stderr
    count = next(r for a, r in runs if "disagreements" in a)
    row = count.stdout.splitlines()[2].split()
    assert row[:3] == ["turn", "pilot", "ana,ben"]
    total, resolved, still_open = map(int, row[3:6])
    assert total > 50 and resolved == 0 and still_open == total
    made = next(r for a, r in runs if "round" in a)
    assert "created blind round pilot: ana, ben on 40 document(s)" in made.stderr
    # Last, the report: written and its path printed, so the command ends naming the file.
    assert commands[-1] == "report"
    page = tmp_path / "exports" / "report.html"
    assert runs[-1][1].stdout == f"{page.resolve()}\n"
    text = page.read_text("utf-8")
    assert 'id="chart-agreement-0"' in text and "Round pilot" in text
    assert text.count('"document":"int_') == 40  # the 40 double-coded transcripts in the viewer
