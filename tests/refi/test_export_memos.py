"""`qcode export memos`: every memo entry as CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Cli

COLUMNS = ["id", "target", "name", "document", "code", "start", "end", "author", "created_at",
           "updated_at", "text", "uuid"]


def test_json_lists_every_entry_with_what_it_is_on(small: Cli) -> None:
    result = small("export", "memos", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [list(r) for r in rows] == [COLUMNS] * len(rows)
    shown = [(r["target"], r["name"], r["document"], r["code"], r["author"], r["text"]) for r in rows]
    assert shown == [
        ("project", "project", None, None, "ana", "Pilot study memo"),
        ("document", "int_001.txt", "int_001.txt", None, "ana", "Interview in Čačak.\nSecond line."),
        ("code", "barriers", None, "barriers", "ana", "=SUM(A1) is not a formula here"),
        ("coding", "coding 1", "int_001.txt", "diaspora", "ana", "family tie, not a network?"),
        ("coding", "coding 1", "int_001.txt", "diaspora", "ben", "agreed: a network"),
    ]
    uuids = json.loads(small("memo", "coding", "1", "--format", "json").stdout)
    assert [r["uuid"] for r in rows[3:]] == [m["uuid"] for m in uuids]
    assert all("T" in r["created_at"] and r["created_at"] <= r["updated_at"] for r in rows)
    assert rows[3]["start"] is not None and rows[3]["end"] > rows[3]["start"]


def test_csv_is_the_default_and_neutralises_formulas(small: Cli) -> None:
    result = small("export", "memos")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == COLUMNS
    assert rows[2]["text"] == "'=SUM(A1) is not a formula here"
    assert "\r" not in result.stdout


def test_tsv_to_a_file(small: Cli) -> None:
    out = small.cwd / "memos.tsv"
    result = small("export", "memos", "--format", "tsv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "wrote 5 memo entries" in result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8")), delimiter="\t"))
    assert rows[0] == COLUMNS and len(rows) == 6


def test_no_memos_is_a_header_only(project: Cli) -> None:
    result = project("export", "memos")
    assert result.exit_code == 0
    assert result.stdout == ",".join(COLUMNS) + "\n"


def test_a_bad_format_is_a_usage_error(small: Cli) -> None:
    result = small("export", "memos", "--format", "xml")
    assert result.exit_code == 2
