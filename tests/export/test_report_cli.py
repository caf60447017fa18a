"""`qcode report`: one HTML file, offline, deterministic, filtered like the exports, with every
text from the project escaped."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.export.conftest import INT_001, INT_002, INT_003, INT_004


def blob(page: str, name: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
    assert found, name
    return json.loads(found.group(1))


def report(cli: Cli, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "exports" / "report.html"
    run = cli("report", "-o", str(out), *args)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"{out.resolve()}\n"
    assert run.stderr.startswith(f"wrote the report to {out} (") and "MB" in run.stderr
    return out.read_text("utf-8")


def test_one_file_that_loads_nothing_and_is_the_same_every_time(exp: Cli, tmp_path: Path) -> None:
    page = report(exp, tmp_path)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page)  # nothing fetched
    assert "default-src 'none'" in page and "Plotly.newPlot" in page
    charts = blob(page, "qcode-charts")
    ids = [c["id"] for c in charts]
    assert ids[:2] == ["chart-frequencies", "chart-by-0"] and "chart-agreement-0" in ids
    assert all(f'<div class="chart" id="{i}"></div>' in page for i in ids)
    assert all(c["spec"]["data"] for c in charts)
    assert report(exp, tmp_path) == page  # byte for byte


def test_the_viewer_data_hold_every_coder_and_the_consensus(exp: Cli, tmp_path: Path) -> None:
    viewer = blob(report(exp, tmp_path), "qcode-viewer")
    assert viewer["coders"] == ["ana", "ben", "consensus"]
    texts = [t["text"] for t in viewer["transcripts"]]
    assert texts == [t.rstrip("\n") for t in (INT_001, INT_002, INT_003, INT_004)]  # as stored


def test_no_text_leaves_every_transcript_sentence_out(exp: Cli, tmp_path: Path) -> None:
    import html

    page = report(exp, tmp_path, "--no-text")
    assert 'id="qcode-viewer"' not in page
    sentences = [s.strip() for text in (INT_001, INT_002, INT_003, INT_004)
                 for line in text.splitlines() for s in re.split(r"(?<=[.?!])\s", line.split(": ", 1)[-1])
                 if len(s.strip()) > 8]
    assert len(sentences) > 12
    shown = [s for s in sentences if s in page or html.escape(s) in page]
    assert not shown


def test_transcripts_caps_the_viewer_and_says_so(exp: Cli, tmp_path: Path) -> None:
    page = report(exp, tmp_path, "--transcripts", "1")
    assert len(blob(page, "qcode-viewer")["transcripts"]) == 1
    assert "The first 1 documents with codings" in page and "more have codings" in page
    whole = report(exp, tmp_path, "--transcripts", "0")
    assert len(blob(whole, "qcode-viewer")["transcripts"]) > 1 and "more have codings" not in whole
    assert exp("report", "-o", str(tmp_path / "x.html"), "--transcripts", "-1").exit_code == 2


def test_where_round_and_coder_narrow_the_report(exp: Cli, tmp_path: Path) -> None:
    def documents(*args: str) -> list[str]:
        return [t["document"] for t in blob(report(exp, tmp_path, *args), "qcode-viewer")["transcripts"]]

    assert documents("--where", "region=cacak") == ["int_002.txt"]
    assert documents("--where", "Region=Čačak", "--exact") == ["int_002.txt"]
    assert documents("--where", "sector=IT services") == ["int_001.txt", "int_003.txt"]
    assert documents("--round", "pilot") == ["int_001.txt"]
    page = report(exp, tmp_path, "--coder", "ben", "--code", "barriers")
    assert blob(page, "qcode-viewer")["coders"] == ["ben"]
    assert "agreement compares coders" in page
    exact = exp("report", "-o", str(tmp_path / "x.html"), "--where", "region=cacak", "--exact")
    assert exact.exit_code == 1 and "exactly (did you mean Čačak?" in exact.stderr


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--unit", "line"], 2, "error: --unit takes turn, paragraph, sentence, document, not 'line'"),
    (["--by", "sectr"], 1, "error: no case attribute `sectr` (did you mean sector?)"),
    (["--round", "pilto"], 1, "error: no round `pilto` (did you mean pilot?)"),
    (["--coder", "bne"], 1, "error: no coder"),
    (["--where", "sector"], 2, "error: --where takes KEY=VALUE"),
])  # fmt: skip
def test_bad_arguments_are_one_line(exp: Cli, tmp_path: Path, args: list[str], code: int,
                                    message: str) -> None:
    out = tmp_path / "r.html"
    run = exp("report", "-o", str(out), *args)
    assert run.exit_code == code, run.stderr
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1, run.stderr
    assert run.stdout == "" and not out.exists()


def test_an_unwritable_place_is_one_clear_line(exp: Cli, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # Root writes into any folder, but not into sysfs.
    target = Path("/sys/qcode-report/report.html") if os.geteuid() == 0 else locked / "report.html"
    if not target.parent.parent.is_dir():
        pytest.skip("no /sys here to stand for a place root cannot write")
    try:
        run = exp("report", "-o", str(target))
    finally:
        locked.chmod(0o700)
    assert run.exit_code == 1 and run.stderr.startswith(f"error: cannot write {target} (")
    assert run.stderr.count("\n") == 1 and run.stdout == ""


def test_a_path_under_a_file_is_one_clear_line(exp: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    run = exp("report", "-o", str(blocker / "report.html"))
    assert run.exit_code == 1 and run.stderr.startswith(f"error: cannot write {blocker / 'report.html'}")
    assert run.stderr.count("\n") == 1 and run.stdout == ""


def test_an_existing_report_is_replaced_whole(exp: Cli, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "report.html"
    out.parent.mkdir()
    out.write_text("old", "utf-8")
    page = report(exp, tmp_path)
    assert page != "old" and list(out.parent.iterdir()) == [out]  # no temporary file left


def test_without_a_file_the_page_goes_to_a_pipe_not_a_terminal(
    exp: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = exp("report")
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")
    from qcode.cli import output

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    run = exp("report")
    assert run.exit_code == 2 and "not for the terminal" in run.stderr


def test_pseudonyms_replace_names_everywhere(exp: Cli, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,pseudonym\nMilica Đorđević,Respondent B\nben,Coder B\n", "utf-8")
    page = report(exp, tmp_path, "--pseudonymise", str(names))
    assert "Milica" not in page and "Respondent B" in page
    assert blob(page, "qcode-viewer")["coders"] == ["ana", "Coder B", "consensus"]
    assert "names pseudonymised" in page


HOSTILE = ("Interviewer: </script><script>alert(1)</script> and <!-- <b>bold</b> & {{x}}\n\n"
           "Respondent: My cousin <img src=x onerror=alert(2)> helped.\n")


def test_transcript_text_cannot_break_out_of_the_page(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text('codebook: "B </script>"\nversion: "1"\ncodes:\n  - id: diaspora\n'
                    '    label: "<b>Diaspora</b>"\n    definition: "</script><script>x()</script>"\n',
                    "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    doc = tmp_path / "int_001.txt"
    doc.write_text(HOSTILE, "utf-8")
    assert cli("import", str(doc)).exit_code == 0
    assert cli("tag", "int_001", "t2", "diaspora").exit_code == 0
    page = report(cli, tmp_path)
    body = page.split("</head>", 1)[1]  # plotly.js aside
    assert "alert(" not in body.replace("\\u003cscript\\u003ealert(1)", "").replace(
        "onerror=alert(2)\\u003e", "")  # only inside the JSON blob, escaped
    assert "<img" not in body and "<b>Diaspora" not in page and "x()</script>" not in page
    assert page.count("</script>") == page.count("<script")  # every element closes where it should
    assert blob(page, "qcode-viewer")["transcripts"][0]["text"] == HOSTILE.rstrip("\n")
    assert "&lt;b&gt;Diaspora&lt;/b&gt;" in page and "&lt;/script&gt;&lt;script&gt;x()" in page


def test_embedded_json_and_script_cannot_close_their_element() -> None:
    from qcode.export.report.page import safe_script, script_json

    text = script_json({"t": "</script><!-- \u2028\u2029 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- \u2028\u2029 & >"}
    assert safe_script('a = "</script>";') == 'a = "<\\/script>";'


def test_the_blind_rule_holds_in_the_report(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.conftest import TRANSCRIPT
    from tests.cli.test_codebook_cli import V1

    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "pia").exit_code == 0
    doc = tmp_path / "int_001.txt"
    doc.write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(doc)).exit_code == 0
    made = cli("round", "create", "r1", "--coders", "ana,ben", "--docs", "int_001", "--blind")
    assert made.exit_code == 0, made.stderr
    for coder in ("ana", "ben"):
        assert cli("tag", "int_001", "t2", "diaspora", "--coder", coder).exit_code == 0
    monkeypatch.setenv("QCODE_CODER", "ana")
    page = report(cli, tmp_path)
    assert blob(page, "qcode-viewer")["coders"] == ["ana"]  # ben's coding stays hidden
    assert "hidden from ana until a PI closes the round" in page
    monkeypatch.setenv("QCODE_CODER", "pia")
    page = report(cli, tmp_path)
    assert blob(page, "qcode-viewer")["coders"] == ["ana", "ben"]
    assert "chart-agreement-0" in page


def test_a_project_without_codings_still_gets_its_report(project: Cli, tmp_path: Path) -> None:
    page = report(project, tmp_path)
    assert blob(page, "qcode-charts") == [] and blob(page, "qcode-viewer")["transcripts"] == []
    assert "No document has codings under these filters." in page
    assert "no two coders to compare" in page


def test_by_names_the_attributes_to_chart(exp: Cli, tmp_path: Path) -> None:
    page = report(exp, tmp_path, "--by", "sector,region", "--by", "size")
    headings = re.findall(r"<h3>Cases with each code, by (\w+)</h3>", page)
    assert headings == ["sector", "region", "size"]
