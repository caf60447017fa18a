"""The committed double-coded sample is what the seeded script writes, byte for byte."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from qcode.coding.bulk import CSV_COLUMNS
from tests.conftest import INTERVIEWS, REPO


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("double_code", REPO / "scripts" / "double_code.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["double_code"] = module
    spec.loader.exec_module(module)
    return module


def test_regenerates_byte_for_byte(tmp_path: Path) -> None:
    script = _script()
    assert script.main(["--out", str(tmp_path)]) == 0
    for name in ("ana.csv", "ben.csv"):
        committed = (INTERVIEWS / "double_coded" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, name
        header, *rows = committed.decode("utf-8").splitlines()
        assert header.split(",") == list(CSV_COLUMNS)
        assert len({r.split(",")[0] for r in rows}) >= 30
        assert all(r.split(",")[1] == name[:-4] for r in rows)


def test_coders_make_the_errors_of_real_coders() -> None:
    ana, ben = ({tuple(r.split(",")[:5]) for r in
                 (INTERVIEWS / "double_coded" / f"{c}.csv").read_text("utf-8").splitlines()[1:]}
                for c in ("ana", "ben"))  # fmt: skip
    a = {(d, code, s, e) for d, _, code, s, e in ana}
    b = {(d, code, s, e) for d, _, code, s, e in ben}
    spans_a = {(d, s, e): code for d, code, s, e in a}
    spans_b = {(d, s, e): code for d, code, s, e in b}
    same_span = set(spans_a) & set(spans_b)
    assert len(a & b) > 100  # mostly they agree
    # confused neighbours: the same span, diaspora for emigration or outsourcing for buyers
    swaps = {frozenset((spans_a[k], spans_b[k])) for k in same_span if spans_a[k] != spans_b[k]}
    assert frozenset(("diaspora", "emigration_experience")) in swaps
    assert frozenset(("outsourcing_contacts", "foreign_buyers")) in swaps
    # shifted boundaries: same document and code, overlapping but different spans
    shifted = [1 for d, c, s, e in a - b for d2, c2, s2, e2 in b - a
               if d == d2 and c == c2 and int(s) < int(e2) and int(s2) < int(e)]
    assert len(shifted) > 20
