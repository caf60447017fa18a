"""`qcode agreement` and `qcode disagreements` through the CLI: formats, gates, errors."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Cli


def test_agreement_table_csv_json(tiny: Cli) -> None:
    table = tiny("agreement", "--coders", "ana,ben", "--unit", "turn")
    assert table.exit_code == 0, table.stderr
    assert "diaspora" in table.stdout and "(all codes)" in table.stdout
    assert "left out int_u.txt: not coded by ben" in table.stderr
    assert "warning" in table.stderr and "warning" not in table.stdout
    rows = list(csv.DictReader(io.StringIO(tiny("agreement", "--coders", "ana,ben", "--unit",
                                                "turn", "-f", "csv").stdout)))  # fmt: skip
    kappa = next(r for r in rows if r["code"] == "diaspora" and r["measure"] == "kappa")
    assert float(kappa["value"]) == 0.5 and float(kappa["percent"]) == 0.75
    assert kappa["units"] == "4" and kappa["coders"] == "ana,ben" and kappa["unit"] == "turn"
    data = json.loads(tiny("agreement", "--coders", "ana,ben", "--unit", "turn", "-f",
                           "json", "--explain").stdout)  # fmt: skip
    assert data["documents"] == ["int_t.txt"] and data["coders"] == ["ana", "ben"]
    assert data["excluded"] == [{"document": "int_u.txt", "reason": "not coded by ben"}]
    assert "Krippendorff" in data["methods"]


def test_explain_paragraph(tiny: Cli) -> None:
    run = tiny("agreement", "--coders", "ana,ben", "--unit", "turn", "--explain",
               "--bootstrap", "200", "--seed", "3")
    assert run.exit_code == 0, run.stderr
    paragraph = run.stdout.split("\n\n", 1)[1]
    for words in ("speaker turns", "ana, ben", ".800", ".667", "References", "Hayes",
                  "bootstrap, 200 replicates, seed 3", "1 transcripts"):
        assert words in paragraph, words


def test_min_gate_exits_4(tiny: Cli) -> None:
    ok = tiny("agreement", "--coders", "ana,ben", "--unit", "turn", "--code", "barriers",
              "--min", "kappa=0.9")
    assert ok.exit_code == 0, ok.stderr
    low = tiny("agreement", "--coders", "ana,ben", "--unit", "turn", "--min", "alpha=0.8")
    assert low.exit_code == 4
    assert "alpha for diaspora is 0.533, below the minimum 0.8" in low.stderr
    bad = tiny("agreement", "--coders", "ana,ben", "--unit", "turn", "--min", "alpha")
    assert bad.exit_code == 2 and "MEASURE=VALUE" in bad.stderr


def test_agreement_errors(tiny: Cli) -> None:
    for args, code, words in (
        (("--coders", "ana,zed"), 1, "no coder `zed`"),
        (("--coders", "ana"), 2, "two or more coders"),
        (("--coders", "ana,ben", "--code", "nope"), 1, "nope"),
        (("--coders", "ana,ben", "--measure", "tau"), 2, "unknown measure"),
        (("--coders", "ana,ben", "--domain", "barriers"), 2, "no children"),
    ):
        run = tiny("agreement", *args, "--unit", "turn")
        assert run.exit_code == code, (args, run.stderr)
        assert words in run.stderr and run.stdout == ""
    run = tiny("agreement", "--coders", "ana,ben", "--unit", "word")
    assert run.exit_code == 2 and "--unit takes" in run.stderr


def test_disagreements_formats_and_progress(tiny: Cli) -> None:
    table = tiny("disagreements", "--coders", "ana,ben", "--unit", "turn")
    assert table.exit_code == 0, table.stderr
    assert "int_t.txt:t4:diaspora" in table.stdout
    assert "resolved 0 of 2 disagreement(s)" in table.stderr
    data = json.loads(tiny("disagreements", "--coders", "ana,ben", "--unit", "turn",
                           "-f", "json").stdout)  # fmt: skip
    assert [d["id"] for d in data["disagreements"]] == [
        "int_t.txt:t4:diaspora", "int_t.txt:t4:owner_emigration"]
    first = data["disagreements"][0]
    assert first["codes"] == {"ana": ["diaspora"], "ben": ["owner_emigration"]}
    assert first["text"] == "Fifteen sixteen seventeen eighteen." and first["lines"] == "l7"
    assert data["resolved"] == 0 and data["total"] == 2
    rows = list(csv.DictReader(io.StringIO(tiny("disagreements", "--coders", "ana,ben",
                                                "--unit", "turn", "--domain", "sources",
                                                "-f", "csv").stdout)))  # fmt: skip
    assert [(r["id"], r["ana"], r["ben"]) for r in rows] == [
        ("int_t.txt:t4:@sources", "diaspora", "owner_emigration")]
    segs = tiny("disagreements", "--coders", "ana,ben", "--unit", "segment", "--code",
                "diaspora", "--doc", "int_t.txt", "-f", "json")  # fmt: skip
    items = json.loads(segs.stdout)["disagreements"]
    assert len(items) == 1 and items[0]["id"].startswith("int_t.txt:c")
    # The same listing twice gives the same ids.
    again = tiny("disagreements", "--coders", "ana,ben", "--unit", "segment", "--code",
                 "diaspora", "--doc", "int_t.txt", "-f", "json")  # fmt: skip
    assert json.loads(again.stdout)["disagreements"][0]["id"] == items[0]["id"]


def test_disagreements_errors(tiny: Cli) -> None:
    run = tiny("disagreements", "--coders", "ana,ben", "--unit", "turn", "--doc", "int_u.txt")
    assert run.exit_code == 1 and "not coded by ben" in run.stderr
    run = tiny("disagreements", "--coders", "ana,nobody", "--unit", "turn")
    assert run.exit_code == 1 and "no coder `nobody`" in run.stderr
