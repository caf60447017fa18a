"""What `qcode report` shows, gathered from the export test project (tests/export/conftest.py):
every count checked against the codings that project holds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from qcode.export.privacy import Pseudonyms
from qcode.export.report.data import ReportData, ReportOptions, gather
from qcode.export.report.viewer import Mark, pseudonymise
from qcode.export.scope import ExportFilter
from qcode.store.engine import session_scope
from tests.conftest import Cli, db_url


@pytest.fixture
def session(exp: Cli) -> Iterator[Session]:
    with session_scope(db_url(exp.db), write=False) as s:
        yield s


def _gather(session: Session, flt: ExportFilter | None = None, **opts: object) -> ReportData:
    return gather(session, flt or ExportFilter(), ReportOptions(**opts))  # type: ignore[arg-type]


def test_the_summary_counts_the_project(session: Session) -> None:
    o = _gather(session).overview
    assert (o.documents, o.cases, o.coders, o.codes) == (4, 3, ("ana", "ben"), 5)
    assert (o.codings, o.consensus) == (13, 1)  # 7 of ana's, 6 of ben's; one consensus coding
    assert [r.name for r in o.rounds] == ["pilot"] and o.filters == ()


def test_the_codebook_has_definitions_own_counts_and_cases_with_codes_below(session: Session) -> None:
    book = {c.key: c for c in _gather(session).codebook}
    assert list(book) == ["sources", "diaspora", "diaspora.family", "colocation", "barriers", "old_code"]
    assert book["diaspora.family"].depth == 2 and book["diaspora"].definition == "Help from emigrants."
    own = {k: (c.codings, c.documents, c.cases) for k, c in book.items()}
    assert own == {"sources": (0, 0, 3), "diaspora": (2, 2, 3), "diaspora.family": (4, 4, 3),
                   "colocation": (3, 2, 2), "barriers": (4, 3, 3), "old_code": (0, 0, 0)}
    assert book["old_code"].retired and book["sources"].colour == "#4e79a7"


def test_frequencies_count_a_code_with_the_codes_below_it(session: Session) -> None:
    totals = {t.key: (t.codings, t.documents, t.cases) for t in _gather(session).totals}
    # A retired code nobody applied is not charted; int_004 has no case, so 4 documents, 3 cases.
    assert totals == {"sources": (9, 4, 3), "diaspora": (6, 4, 3), "diaspora.family": (4, 4, 3),
                      "colocation": (3, 2, 2), "barriers": (4, 3, 3)}


def test_by_attribute_counts_cases_not_codings(session: Session) -> None:
    found = {b.attribute: b for b in _gather(session, by=("sector", "region")).by_attribute}
    sector = found["sector"]
    assert sector.values == ("IT services", "metal processing") and sector.group_cases == (2, 1)
    cells = dict(zip(sector.codes, sector.cases, strict=True))
    # barriers: two codings in int_001 (F001) and one in int_003 (F003) are two IT firms.
    assert cells["barriers"] == (2, 1) and cells["colocation"] == (1, 1) and cells["sources"] == (2, 1)
    assert found["region"].values == ("Beograd", "Niš", "Čačak")  # as `export frequencies` sorts


def test_default_attributes_are_those_with_a_few_values(session: Session) -> None:
    # region, sector and size each have 2 or 3 values among the three cases; more values first.
    assert [b.attribute for b in _gather(session).by_attribute] == ["region", "size", "sector"]


def test_an_unknown_attribute_names_the_near_one(session: Session) -> None:
    from qcode.errors import NotFoundError

    with pytest.raises(NotFoundError, match="did you mean sector"):
        _gather(session, by=("sectr",))


def test_code_document_grid_and_cooccurrence(session: Session) -> None:
    data = _gather(session)
    grid = data.code_document
    assert grid.columns == ("int_001.txt", "int_002.txt", "int_003.txt", "int_004.txt")
    row = dict(zip(grid.rows, grid.cells, strict=True))
    assert row["barriers"] == (2, 1, 1, 0) and row["diaspora.family"] == (1, 1, 1, 1)
    co = dict(zip(data.cooccurrence.rows, data.cooccurrence.cells, strict=True))
    at = data.cooccurrence.columns.index("diaspora.family")
    # Turns: int_001 t2 holds ana's family quote and ben's diaspora turn.
    assert co["diaspora"][at] == 1 and co["barriers"][data.cooccurrence.columns.index("barriers")] == 3


def test_agreement_between_the_coders_who_coded_the_same_documents(session: Session) -> None:
    data = _gather(session)
    (block,) = data.agreement
    assert block.round is None and block.coders == ("ana", "ben") and block.documents == 2
    kappa = {r.code: r for r in block.rows if r.measure == "kappa"}
    assert set(kappa) >= {"barriers", "colocation", "(all codes)"}
    assert all(r.low is not None and r.high is not None for r in kappa.values() if r.value is not None)


def test_agreement_is_left_out_for_one_coder(session: Session) -> None:
    data = _gather(session, ExportFilter(coder="ben"))
    assert data.agreement == () and "one coder" in (data.agreement_note or "")
    assert data.overview.coders == ("ben",) and data.overview.codings == 6


def test_the_viewer_holds_each_coder_and_the_consensus_layer(session: Session) -> None:
    viewer = _gather(session).viewer
    assert viewer is not None
    assert viewer.coders == ("ana", "ben", "consensus")
    assert [t.document for t in viewer.transcripts] == [f"int_00{i}.txt" for i in range(1, 5)]
    second = viewer.transcripts[1]
    quoted = {second.text[m.start : m.end] for m in second.marks if viewer.coders[m.coder] == "ana"}
    assert "Diaspora matters 👍🏽" in quoted and "Рођак из Беча 🇦🇹" in quoted
    assert [second.text[m.start : m.end] for m in second.marks if m.coder == 2] == ["Рођак"]
    assert sum(len(t.marks) for t in viewer.transcripts) == 14


def test_the_viewer_holds_the_first_documents_with_codings_up_to_its_limit(session: Session) -> None:
    whole = _gather(session, transcripts=0).viewer
    assert whole is not None and not whole.more and len(whole.transcripts) == 4
    for limit in (1, 3):
        some = _gather(session, transcripts=limit).viewer
        assert some is not None and some.more
        assert some.transcripts == whole.transcripts[:limit]  # texts and marks as in the whole
        assert set(some.coders) <= set(whole.coders)
    exact = _gather(session, transcripts=4).viewer
    assert exact is not None and not exact.more and exact.transcripts == whole.transcripts
    narrowed = _gather(session, ExportFilter(where={"sector": "it services"}), transcripts=1).viewer
    assert narrowed is not None and narrowed.more
    assert [t.document for t in narrowed.transcripts] == ["int_001.txt"]


def test_filters_narrow_the_viewer(session: Session) -> None:
    it = _gather(session, ExportFilter(where={"sector": "it services"})).viewer
    assert it is not None and [t.document for t in it.transcripts] == ["int_001.txt", "int_003.txt"]
    pilot = _gather(session, ExportFilter(round="pilot")).viewer
    assert pilot is not None and pilot.coders == ("ben",)
    assert [(t.document, len(t.marks)) for t in pilot.transcripts] == [("int_001.txt", 3)]
    assert _gather(session, no_text=True).viewer is None


def test_pseudonyms_replace_names_and_keep_highlights_on_their_words(session: Session) -> None:
    names = Pseudonyms({"Milica Đorđević": "R2", "ana": "Coder A", "int_002.txt": "doc two"})
    data = _gather(session, pseudonyms=names)
    viewer = data.viewer
    assert viewer is not None and viewer.coders == ("Coder A", "ben", "consensus")
    second = next(t for t in viewer.transcripts if t.document == "doc two")
    assert "Milica" not in second.text and second.text.count("R2:") == 2
    quoted = {second.text[m.start : m.end] for m in second.marks}
    assert {"Diaspora matters 👍🏽", "Loans were hard.", "Рођак"} <= quoted
    assert data.overview.coders == ("ben", "Coder A")


def test_a_span_over_part_of_a_name_covers_its_pseudonym() -> None:
    text, marks = pseudonymise("Ask Jelena Ristić now", [Mark(4, 10, 0, 0), Mark(11, 21, 0, 0),
                                                        Mark(0, 3, 0, 0)], Pseudonyms({"Jelena Ristić": "R"}))
    assert text == "Ask R now"
    assert [text[m.start : m.end] for m in marks] == ["R", "R now", "Ask"]


def test_the_same_project_gives_the_same_data(session: Session) -> None:
    assert _gather(session) == _gather(session)
    bare = _gather(session, no_text=True)
    assert replace(_gather(session), viewer=None, overview=bare.overview) == bare
    assert bare.overview.filters == ("no transcript text",)
