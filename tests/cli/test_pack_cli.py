"""Offline work packages: export a coder's share, make her local project from it, bring her work
back by identity; changed documents refused one by one; a second import changes nothing; a
damaged or tampered package is refused before anything is written."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli, db_url, dump

SECOND = "Interviewer: And clients?\n\nRespondent: Upwork brought the first ones.\n"


def _dump(db: Path | str | None) -> str:
    return dump(db)


def _codings(cli: Cli) -> list[dict[str, object]]:
    run = cli("codings", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def main(tmp_path: Path, store: str, request: pytest.FixtureRequest) -> Cli:
    """The PI's project (on either store); the coders' local projects are SQLite files."""
    home = tmp_path / "main"
    home.mkdir()
    cli = Cli(home, request.getfixturevalue("pg_schema") if store == "postgresql" else home / "qcode.db")
    (home / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(home / "book.yaml"), "--coder", "pi").exit_code == 0
    (home / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    (home / "int_002.txt").write_text(SECOND, "utf-8")
    assert cli("import", str(home / "int_001.txt"), str(home / "int_002.txt")).exit_code == 0
    assert cli("coders", "add", "ana").exit_code == 0
    assert cli("tag", "int_001", "t2", "diaspora", "--coder", "ana", "-m", "cousin").exit_code == 0
    assert cli("tag", "int_001", "t4", "barriers", "--coder", "pi").exit_code == 0
    return cli


def _local(main: Cli, tmp_path: Path, *args: str) -> Cli:
    pack = tmp_path / "ana.qpack"
    run = main("pack", "export", "--coder", "ana", "-o", str(pack), *args)
    assert run.exit_code == 0, run.stderr
    home = tmp_path / "local"
    home.mkdir()
    local = Cli(home, home / "qcode.db")
    made = local("init", "--from", str(pack))
    assert made.exit_code == 0, made.stderr
    return local


def test_round_trip_merges_her_work_by_identity(main: Cli, tmp_path: Path) -> None:
    local = _local(main, tmp_path)
    mine = _codings(local)
    assert [(c["code"], c["coder"]) for c in mine] == [("diaspora", "ana")]  # not the PI's
    theirs = {c["uuid"]: c for c in _codings(main)}
    assert mine[0]["uuid"] in theirs and mine[0]["start"] == theirs[mine[0]["uuid"]]["start"]
    assert local("db", "check").exit_code == 0
    assert local("tag", "int_002", "t2", "owner_emigration", "-m", "upwork").exit_code == 0
    assert local("recode", "1", "barriers").exit_code == 0
    done = tmp_path / "ana-done.qpack"
    assert local("pack", "export", "-o", str(done)).exit_code == 0
    run = main("pack", "import", str(done))
    assert run.exit_code == 0, run.stderr
    assert "1 added, 1 changed, 0 removed" in run.stderr
    after = {(c["uuid"], c["code"], c["coder"], c["memo"]) for c in _codings(main)}
    local_rows = {(c["uuid"], c["code"], c["coder"], c["memo"]) for c in _codings(local)}
    assert local_rows <= after and len(after) == 3  # hers, and the PI's own
    assert main("db", "check").exit_code == 0
    before = _dump(main.db)  # type: ignore[arg-type]
    again = main("pack", "import", str(done))
    assert again.exit_code == 0 and "nothing new" in again.stderr
    assert _dump(main.db) == before  # type: ignore[arg-type]
    log = json.loads(main("log", "--format", "json").stdout)
    assert any(e["action"] == "offline:recode" for e in log)
    undo = main("undo")  # the PI ran the import: her undo takes it back whole
    assert undo.exit_code == 0, undo.stderr
    assert {c["code"] for c in _codings(main)} == {"diaspora", "barriers"}
    assert main("db", "check").exit_code == 0


def test_removed_codings_and_memos_travel(main: Cli, tmp_path: Path) -> None:
    local = _local(main, tmp_path)
    assert local("untag", "1").exit_code == 0
    done = tmp_path / "ana-done.qpack"
    assert local("pack", "export", "-o", str(done)).exit_code == 0
    run = main("pack", "import", str(done))
    assert run.exit_code == 0, run.stderr
    assert "0 added, 0 changed, 1 removed" in run.stderr
    assert [c["coder"] for c in _codings(main)] == ["pi"]


def test_changed_document_is_refused_alone(main: Cli, tmp_path: Path) -> None:
    local = _local(main, tmp_path)
    assert local("tag", "int_001", "t3", "barriers").exit_code == 0
    assert local("tag", "int_002", "t2", "owner_emigration").exit_code == 0
    done = tmp_path / "ana-done.qpack"
    assert local("pack", "export", "-o", str(done)).exit_code == 0
    home = main.cwd
    (home / "int_001.txt").write_text(TRANSCRIPT.replace("Vienna", "Graz"), "utf-8")
    assert main("import", str(home / "int_001.txt"), "--update").exit_code == 0
    run = main("pack", "import", str(done))
    assert run.exit_code == 1
    assert "refused int_001.txt: its text changed since the package was made" in run.stderr
    assert "1 added" in run.stderr  # int_002's coding came in
    codes = sorted((c["document"], c["code"]) for c in _codings(main) if c["coder"] == "ana")
    assert codes == [("int_001.txt", "diaspora"), ("int_002.txt", "owner_emigration")]
    assert main("db", "check").exit_code in (0,)


def test_round_package_holds_only_the_assigned_documents(main: Cli, tmp_path: Path) -> None:
    from sqlalchemy import text

    from qcode.store.engine import get_engine

    with get_engine(db_url(main.db)).begin() as con:
        con.execute(text("INSERT INTO rounds (uuid, name, blind, status, created_at) VALUES "
                         "('00000000-0000-4000-8000-000000000001', 'r1', :blind, 'open', "
                         "'2026-01-01')"), {"blind": True})
        con.execute(text("INSERT INTO round_assignments SELECT r.id, c.id, d.id FROM rounds r, "
                         "coders c, documents d WHERE c.key = 'ana' AND d.name = 'int_002.txt'"))
    local = _local(main, tmp_path, "--round", "r1")
    docs = json.loads(local("docs", "--format", "json").stdout)
    assert [d["name"] for d in docs] == ["int_002.txt"]
    assert _codings(local) == []  # her int_001 coding is outside the round
    missing = main("pack", "export", "--coder", "ana", "--round", "r9", "-o", str(tmp_path / "x"))
    assert missing.exit_code == 1 and "no round `r9`" in missing.stderr


def test_package_from_another_project_is_refused(main: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    cli = Cli(other, other / "qcode.db")
    assert cli("init", "--coder", "ana").exit_code == 0
    pack = tmp_path / "ana.qpack"
    assert main("pack", "export", "--coder", "ana", "-o", str(pack)).exit_code == 0
    before = _dump(other / "qcode.db")
    run = cli("pack", "import", str(pack))
    assert run.exit_code == 1 and "made from another project" in run.stderr
    assert _dump(other / "qcode.db") == before


def _rewrite(pack: Path, target: Path, change: object) -> None:
    with zipfile.ZipFile(pack) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    change(members)  # type: ignore[operator]
    with zipfile.ZipFile(target, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)


def _tamper_coding(members: dict[str, bytes]) -> None:
    data = json.loads(members["codings.json"])
    data["codings"][0]["start"] += 1
    members["codings.json"] = json.dumps(data).encode()


def _tamper_and_rehash(members: dict[str, bytes]) -> None:
    _tamper_coding(members)
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["members"]:
        if entry["name"] == "codings.json":
            entry["sha256"] = hashlib.sha256(members["codings.json"]).hexdigest()
            entry["bytes"] = len(members["codings.json"])
    members["manifest.json"] = json.dumps(manifest).encode()


BAD = [
    (_tamper_coding, "does not match its checksum"),
    (_tamper_and_rehash, "not a passage of its document"),
    (lambda m: m.pop("memos.json"), "members are not the ones"),
    (lambda m: m.update({"../evil.json": b"{}"}), "unexpected: ../evil.json"),
    (lambda m: m.update({"manifest.json": b"{not json"}), "not valid JSON"),
    (lambda m: m.pop("manifest.json"), "no manifest.json"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_damaged_packages_are_refused_before_writing(main: Cli, tmp_path: Path, change: object,
                                                     message: str) -> None:
    pack, bad = tmp_path / "ana.qpack", tmp_path / "bad.qpack"
    assert main("pack", "export", "--coder", "ana", "-o", str(pack)).exit_code == 0
    _rewrite(pack, bad, change)
    before = _dump(main.db)  # type: ignore[arg-type]
    run = main("pack", "import", str(bad))
    assert run.exit_code == 1 and message in run.stderr, run.stderr
    assert _dump(main.db) == before  # type: ignore[arg-type]
    home = tmp_path / "fresh"
    home.mkdir()
    made = Cli(home, home / "qcode.db")("init", "--from", str(bad))
    assert made.exit_code == 1 and not (home / "qcode.db").exists()


def test_not_a_zip_and_zip_bomb(main: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.qpack"
    junk.write_bytes(b"PK\x03\x04 not really")
    run = main("pack", "import", str(junk))
    assert run.exit_code == 1 and "not a readable zip" in run.stderr
    pack, bomb = tmp_path / "ana.qpack", tmp_path / "bomb.qpack"
    assert main("pack", "export", "--coder", "ana", "-o", str(pack)).exit_code == 0
    with zipfile.ZipFile(pack) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            # 64 MB of zeros where the manifest promises a few bytes: read no further than that.
            zf.writestr(name, b"\0" * 64 * 2**20 if name == "events.json" else blob)
    assert bomb.stat().st_size < 2**20
    before = _dump(main.db)  # type: ignore[arg-type]
    run = main("pack", "import", str(bomb))
    assert run.exit_code == 1 and "events.json does not match its checksum" in run.stderr
    assert _dump(main.db) == before  # type: ignore[arg-type]
