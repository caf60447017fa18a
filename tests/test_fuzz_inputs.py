"""Random and malformed input to the pack importer, the codings CSV loader and the codebook
loader never gives a traceback or a changed database: only a clear error or a correct result."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.errors import QcodeError
from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _dump(db: Path) -> str:
    from qcode.store.models import Base

    con = sqlite3.connect(db)
    rows = [repr(r) for t in Base.metadata.sorted_tables
            for r in con.execute(f'SELECT * FROM "{t.name}" ORDER BY 1')]
    con.close()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Path, dict[str, bytes]]:
    home = tmp_path_factory.mktemp("fuzz")
    cli = Cli(home, home / "qcode.db")
    (home / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(home / "book.yaml"), "--coder", "ana").exit_code == 0
    (home / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(home / "int_001.txt")).exit_code == 0
    assert cli("tag", "int_001", "t2", "diaspora", "-m", "note").exit_code == 0
    pack = home / "ana.qpack"
    assert cli("pack", "export", "-o", str(pack)).exit_code == 0
    with zipfile.ZipFile(pack) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    return cli, home, members


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**40) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)


def _mutations() -> st.SearchStrategy[tuple[str, object]]:
    names = st.sampled_from(["project.json", "codes.json", "documents.json", "codings.json",
                             "memos.json", "events.json"])
    return st.tuples(names, JSON)


def _write(target: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)


def _rehash(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["members"]:
        entry["sha256"] = hashlib.sha256(members[entry["name"]]).hexdigest()
        entry["bytes"] = len(members[entry["name"]])
    members["manifest.json"] = json.dumps(manifest).encode()


def _replace_somewhere(data: object, value: object, path: list[int]) -> object:
    """`data` with one value deep inside (chosen by `path`) replaced."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = _replace_somewhere(data[key], value, path[1:])  # type: ignore[index,call-overload]
    return copy


@FUZZ
@given(_mutations(), st.lists(st.integers(0, 50), max_size=5))
def test_mutated_pack_members_never_crash_or_write(world: tuple[Cli, Path, dict[str, bytes]],
                                                   change: tuple[str, object], path: list[int]) -> None:
    cli, home, members = world
    name, value = change
    data = _replace_somewhere(json.loads(members[name]), value, path)
    mutated = {**members, name: json.dumps(data).encode()}
    _rehash(mutated)  # checksums right: the content checks must catch it
    bad = home / "bad.qpack"
    _write(bad, mutated)
    before = _dump(home / "qcode.db")
    run = cli("pack", "import", str(bad))  # Cli re-raises any exception that is not an exit
    assert run.exit_code in (0, 1), run.stderr
    assert "unexpected" not in run.stderr and "Traceback" not in run.stderr
    if run.exit_code == 1:
        assert _dump(home / "qcode.db") == before


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_a_package(world: tuple[Cli, Path, dict[str, bytes]], blob: bytes) -> None:
    cli, home, _members = world
    bad = home / "junk.qpack"
    bad.write_bytes(blob)
    before = _dump(home / "qcode.db")
    run = cli("pack", "import", str(bad))
    assert run.exit_code == 1 and run.stderr.startswith("error: ")
    assert _dump(home / "qcode.db") == before


CSV_CELLS = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@FUZZ
@given(st.lists(st.lists(CSV_CELLS, min_size=0, max_size=7), max_size=6),
       st.sampled_from([",", ";", "\t"]), st.booleans())
def test_codings_csv_never_crashes(world: tuple[Cli, Path, dict[str, bytes]],
                                   rows: list[list[str]], delimiter: str, header: bool) -> None:
    import csv
    import io

    cli, home, _members = world
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    if header:
        writer.writerow(["document", "coder", "code", "start", "end", "memo"])
    writer.writerows(rows)
    target = home / "fuzz.csv"
    target.write_text(buf.getvalue(), "utf-8")
    before = _dump(home / "qcode.db")
    run = cli("import-codings", str(target), "--dry-run")
    assert run.exit_code in (0, 1), run.stderr
    assert "unexpected" not in run.stderr
    assert _dump(home / "qcode.db") == before


@FUZZ
@given(st.text(max_size=300))
def test_codebook_loader_never_crashes(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from qcode.codebook.parse import load_codebook_file

    target = tmp_path_factory.mktemp("book") / "book.yaml"
    target.write_text(V1[: len(text) % len(V1)] + text, "utf-8")
    with contextlib.suppress(QcodeError):  # a clear error is fine; anything else fails
        load_codebook_file(target)
