"""Identities that never change or repeat, the coder roster, memo threads and categories."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli


def _codings(cli: Cli, *args: str) -> list[dict[str, object]]:
    run = cli("codings", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


# --- ids and uuids -------------------------------------------------------------------------


def test_a_deleted_newest_coding_never_gives_its_id_away(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora").exit_code == 0
    first = _codings(coded)[0]["id"]
    assert coded("untag", str(first)).exit_code == 0
    assert coded("tag", "int_001", "t4", "barriers").exit_code == 0
    second = _codings(coded)[0]["id"]
    assert second != first
    # undo the tag, undo the untag (coding `first` comes back), then redo both: nothing clashes
    for step in ("undo", "undo", "redo", "redo"):
        run = coded(step)
        assert run.exit_code == 0, run.stderr
    assert sorted(c["id"] for c in _codings(coded)) == [second]
    log = json.loads(coded("log", "--format", "json").stdout)
    named = [e["target"] for e in log if e["action"] in ("tag", "untag")]
    assert named == [f"coding {first}", f"coding {first}", f"coding {second}"]


def test_json_listings_carry_a_uuid_that_stays(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora").exit_code == 0
    listings = {
        "codings": _codings(coded),
        "docs": json.loads(coded("docs", "--format", "json").stdout),
        "coders": json.loads(coded("coders", "--format", "json").stdout),
        "codes": json.loads(coded("codebook", "show", "--format", "json").stdout),
    }
    for name, rows in listings.items():
        assert rows and all(len(str(r["uuid"])) == 36 for r in rows), name
    assert coded("recode", str(listings["codings"][0]["id"]), "owner_emigration").exit_code == 0
    assert _codings(coded)[0]["uuid"] == listings["codings"][0]["uuid"]
    again = json.loads(coded("docs", "--format", "json").stdout)
    assert [d["uuid"] for d in again] == [d["uuid"] for d in listings["docs"]]


# --- coders --------------------------------------------------------------------------------


def test_init_coder_is_the_pi_and_exists_at_once(coded: Cli) -> None:
    rows = json.loads(coded("coders", "--format", "json").stdout)
    assert [(r["name"], r["role"]) for r in rows] == [("ana", "pi")]
    run = coded("show", "int_001", "--coder", "ana")
    assert run.exit_code == 0, run.stderr


def test_names_match_across_case_and_diacritics(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "Ana").exit_code == 0
    assert coded("tag", "int_001", "t4", "barriers", "--coder", " ÁNA ").exit_code == 0
    assert {c["coder"] for c in _codings(coded)} == {"ana"}
    rows = json.loads(coded("coders", "--format", "json").stdout)
    assert [r["name"] for r in rows] == ["ana"]


def test_a_new_name_is_announced_with_the_roster(coded: Cli) -> None:
    assert coded("coders", "add", "ben").exit_code == 0
    run = coded("tag", "int_001", "t2", "diaspora", "--coder", "carl")
    assert run.exit_code == 0, run.stderr
    assert "new coder carl; coders: ana, ben" in run.stderr


def test_a_closed_roster_refuses_unknown_names_with_near_matches(coded: Cli) -> None:
    assert coded("coders", "add", "benjamin").exit_code == 0
    assert coded("coders", "--closed").exit_code == 0
    run = coded("tag", "int_001", "t2", "diaspora", "--coder", "benjamn")
    assert run.exit_code == 1
    assert "roster is closed" in run.stderr and "benjamin" in run.stderr
    assert _codings(coded) == []
    assert coded("coders", "--open").exit_code == 0
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "benjamn").exit_code == 0


def test_only_the_pi_closes_the_roster(coded: Cli) -> None:
    assert coded("coders", "add", "ben").exit_code == 0
    run = coded("coders", "--closed", "--coder", "ben")
    assert run.exit_code == 1 and "only a PI" in run.stderr


def test_rename_keeps_codings_and_history(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "bob").exit_code == 0
    assert coded("coders", "rename", "bob", "Robert").exit_code == 0
    assert {c["coder"] for c in _codings(coded)} == {"Robert"}
    run = coded("undo", "--coder", "robert")  # bob's tag is Robert's to undo
    assert run.exit_code == 0, run.stderr
    assert _codings(coded) == []


def test_merge_is_one_undoable_action(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "ana").exit_code == 0
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "anna").exit_code == 0
    assert coded("tag", "int_001", "t4", "barriers", "--coder", "anna").exit_code == 0
    assert coded("memo", "document", "int_001", "long pauses", "--coder", "anna").exit_code == 0
    before = sorted((c["coder"], c["code"]) for c in _codings(coded))
    run = coded("coders", "merge", "anna", "ana")
    assert run.exit_code == 0, run.stderr
    assert "1 codings moved, 1 already coded alike dropped" in run.stderr
    assert sorted((c["coder"], c["code"]) for c in _codings(coded)) == [
        ("ana", "barriers"),
        ("ana", "diaspora"),
    ]
    memo = json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)
    assert [m["coder"] for m in memo] == ["ana"]
    undone = coded("undo")
    assert undone.exit_code == 0, undone.stderr
    assert sorted((c["coder"], c["code"]) for c in _codings(coded)) == before
    rows = {r["name"]: r for r in json.loads(coded("coders", "--format", "json").stdout)}
    assert rows["anna"]["retired"] is False


def test_retired_coders_code_no_more(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "ben").exit_code == 0
    assert coded("coders", "retire", "ben").exit_code == 0
    run = coded("tag", "int_001", "t4", "barriers", "--coder", "ben")
    assert run.exit_code == 1 and "retired" in run.stderr
    assert len(_codings(coded)) == 1  # ben's work stays
    assert coded("coders", "add", "ben").exit_code == 0
    assert coded("tag", "int_001", "t4", "barriers", "--coder", "ben").exit_code == 0


def test_import_codings_takes_each_rows_coder(coded: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(
        "document,coder,code,start,end\nint_001.txt,Ben,diaspora,0,10\n"
        "int_001.txt,ben,barriers,0,10\nint_001.txt,zoe,barriers,0,10\n",
        "utf-8",
    )
    run = coded("import-codings", str(csv))  # no --coder: ana (the default) runs it
    assert run.exit_code == 0, run.stderr
    assert sorted({c["coder"] for c in _codings(coded)}) == ["Ben", "zoe"]
    log = json.loads(coded("log", "--format", "json").stdout)
    assert {e["actor"] for e in log if e["action"] == "import-coding"} == {"ana"}


def test_import_codings_refuses_names_off_a_closed_roster(coded: Cli, tmp_path: Path) -> None:
    assert coded("coders", "--closed").exit_code == 0
    csv = tmp_path / "in.csv"
    csv.write_text("document,coder,code,start,end\nint_001.txt,zoe,barriers,0,10\n", "utf-8")
    run = coded("import-codings", str(csv))
    assert run.exit_code == 1 and "zoe" in run.stderr and "closed roster" in run.stderr
    assert _codings(coded) == []


def test_a_header_only_file_changes_nothing(coded: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "empty.csv"
    csv.write_text("document,coder,code,start,end\n", "utf-8")
    before = coded("coders", "--format", "json").stdout
    run = coded("import-codings", str(csv))
    assert run.exit_code == 0 and "imported 0 codings" in run.stderr
    assert coded("coders", "--format", "json").stdout == before


# --- memos ---------------------------------------------------------------------------------


def test_memos_are_a_thread_credited_to_their_authors(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora", "--coder", "ben", "--memo", "cousin?").exit_code == 0
    coding = str(_codings(coded)[0]["id"])
    assert coded("memo", "coding", coding, "second thought", "--coder", "ben").exit_code == 0
    assert coded("memo", "coding", coding, "agree, diaspora").exit_code == 0  # ana, the PI
    thread = json.loads(coded("memo", "coding", coding, "--format", "json").stdout)
    assert [(m["coder"], m["text"]) for m in thread] == [
        ("ben", "cousin?"),
        ("ben", "second thought"),
        ("ana", "agree, diaspora"),
    ]
    assert _codings(coded)[0]["memo"] == "cousin?\n\nsecond thought\n\nagree, diaspora"


def test_editing_a_memo_is_ones_own_and_undoable(coded: Cli) -> None:
    assert coded("memo", "document", "int_001", "first note", "--coder", "ben").exit_code == 0
    entry = json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)[0]["id"]
    refused = coded("memo", "--edit", str(entry), "ana's words")  # ana did not write it
    assert refused.exit_code == 1 and "written by ben" in refused.stderr
    assert coded("memo", "--edit", str(entry), "better note", "--coder", "ben").exit_code == 0
    thread = json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)
    assert [m["text"] for m in thread] == ["better note"]
    assert coded("undo", "--coder", "ben").exit_code == 0
    thread = json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)
    assert [m["text"] for m in thread] == ["first note"]
    assert coded("memo", "--delete", str(entry), "--coder", "ben").exit_code == 0
    assert json.loads(coded("memo", "document", "int_001", "--format", "json").stdout) == []
    assert coded("undo", "--coder", "ben").exit_code == 0
    assert len(json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)) == 1


# --- categories ------------------------------------------------------------------------------


def test_a_category_is_not_applied_directly(cli: Cli, tmp_path: Path) -> None:
    from tests.cli.conftest import TRANSCRIPT
    from tests.cli.test_codebook_cli import V1

    book = tmp_path / "book.yaml"
    book.write_text(
        V1.replace('    colour: "#4e79a7"\n', '    colour: "#4e79a7"\n    apply: false\n'), "utf-8"
    )
    assert cli("codebook", "check", str(book), db=False).exit_code == 0
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    (tmp_path / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(tmp_path / "int_001.txt")).exit_code == 0
    run = cli("tag", "int_001", "t2", "sources")
    assert run.exit_code == 1
    assert "`sources` is a category" in run.stderr and "diaspora, owner_emigration" in run.stderr
    assert cli("autocode", "sources", "--words", "cousin").exit_code == 1
    assert cli("tag", "int_001", "t2", "diaspora").exit_code == 0
    shown = {c["id"]: c for c in json.loads(cli("codebook", "show", "--format", "json").stdout)}
    assert shown["sources"]["applicable"] is False and shown["diaspora"]["applicable"] is True
