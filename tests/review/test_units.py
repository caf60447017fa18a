"""Each unit of analysis on the tiny project, against values worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from qcode.agreement import unitized_alpha
from qcode.review.figures import ALL, Figure
from qcode.review.report import AgreementReport, Options, agreement_report
from qcode.review.scope import load_scope
from qcode.store.models import Document, Round, RoundAssignment
from tests.conftest import Cli
from tests.review.conftest import turns


@contextmanager
def session(cli: Cli, write: bool = False) -> Iterator[Session]:
    from qcode.store.engine import session_scope, to_url

    assert cli.db is not None
    with session_scope(to_url(cli.db), write=write) as s:
        yield s


def report(cli: Cli, unit: str, **kw: object) -> AgreementReport:
    opts = {k: v for k, v in kw.items() if k in Options.__dataclass_fields__}
    rest = {k: v for k, v in kw.items() if k not in opts}
    with session(cli) as s:
        return agreement_report(s, ["ana", "ben"], Options(unit=unit, **opts),  # type: ignore[arg-type]
                                **rest)  # type: ignore[arg-type]


def fig(r: AgreementReport, code: str, measure: str) -> Figure:
    return next(f for f in r.figures if f.code == code and f.measure == measure)


def test_scope_leaves_out_a_document_one_coder_did_not_code(tiny: Cli) -> None:
    with session(tiny) as s:
        scope = load_scope(s, ["ana", "ben"])
    assert [d.name for d in scope.documents] == ["int_t.txt"]
    assert [(e.document, e.reason) for e in scope.excluded] == [("int_u.txt", "not coded by ben")]
    assert scope.variables == ("diaspora", "owner_emigration", "barriers")


def test_turns_per_code(tiny: Cli) -> None:
    """diaspora by turn: ana 0 1 0 1, ben 0 1 0 0.
    percent 3/4; kappa: p_e = .5·.25 + .5·.75 = .5, (.75 - .5)/.5 = .5;
    alpha: 8 values, three 1s, one disagreeing unit: 1 - 7·1/(5·3) = 8/15."""
    r = report(tiny, "turn")
    assert fig(r, "diaspora", "kappa").value == pytest.approx(0.5)
    assert fig(r, "diaspora", "kappa").percent == pytest.approx(0.75)
    assert fig(r, "diaspora", "alpha").value == pytest.approx(8 / 15)
    assert fig(r, "diaspora", "alpha").units == 4 and fig(r, "diaspora", "alpha").both == 1
    # barriers: both coders on t1 only: perfect
    assert fig(r, "barriers", "kappa").value == pytest.approx(1.0)
    # pooled: 12 code-unit items; ana 1s at barriers t1, diaspora t2 t4; ben barriers t1,
    # diaspora t2, owner_emigration t4: two disagreeing items of 12 -> percent 10/12
    assert fig(r, ALL, "kappa").percent == pytest.approx(10 / 12)
    assert fig(r, ALL, "kappa").units == 12
    assert r.excluded[0].document == "int_u.txt"
    assert any("fewer than 10" in w for w in r.warnings)


def test_turns_as_a_domain(tiny: Cli) -> None:
    """sources by turn: ana none dia none dia, ben none dia none own.
    kappa: p_e = .5·.5 + .5·.25 + 0·.25 = .375, (.75 - .375)/.625 = .6."""
    r = report(tiny, "turn", domain="sources")
    assert fig(r, "sources", "kappa").value == pytest.approx(0.6)
    assert fig(r, "sources", "kappa").percent == pytest.approx(0.75)
    missing = report(tiny, "turn", domain="sources", uncoded="missing")
    # only t2 and t4 carry values from both: agree on one of two
    assert fig(missing, "sources", "kappa").percent == pytest.approx(0.5)
    assert fig(missing, "sources", "kappa").units == 2


def test_document_unit(tiny: Cli) -> None:
    r = report(tiny, "document", measures=("percent",))
    assert fig(r, "diaspora", "percent").value == pytest.approx(1.0)
    assert fig(r, "owner_emigration", "percent").value == pytest.approx(0.0)
    assert fig(r, "diaspora", "percent").units == 1


def test_lines_paragraphs_and_sentences_follow_the_turns(tiny: Cli) -> None:
    # Every turn is one paragraph and one sentence here: the turn figures again.
    for unit in ("paragraph", "sentence"):
        r = report(tiny, unit)
        assert fig(r, "diaspora", "kappa").value == pytest.approx(0.5), unit
    # Seven lines (the three blank ones between turns count): ana 1s on 2, ben on 1;
    # p_o = 6/7, p_e = (2·1 + 5·6)/49 = 32/49, kappa = (42 - 32)/17 = 10/17.
    lines = report(tiny, "line")
    assert fig(lines, "diaspora", "kappa").units == 7
    assert fig(lines, "diaspora", "kappa").value == pytest.approx(10 / 17)


def test_characters_are_the_2x2_table_of_nvivo(tiny: Cli) -> None:
    t = turns(tiny.db, "int_t.txt")  # type: ignore[arg-type]
    with session(tiny) as s:
        length = s.query(Document.chars).filter(Document.name == "int_t.txt").scalar()
    both = t[1][1] - t[1][0] - 1  # ben starts one character later
    ana_only = 1 + t[3][1] - t[3][0]
    neither = length - both - ana_only
    n = float(length)
    po = (both + neither) / n
    pe = ((both + ana_only) / n) * (both / n) + ((neither) / n) * ((neither + ana_only) / n)
    r = report(tiny, "character")
    f = fig(r, "diaspora", "kappa")
    assert f.value == pytest.approx((po - pe) / (1 - pe))
    assert f.percent == pytest.approx(po) and f.units == length and f.both == both
    assert not any(f.code == ALL for f in r.figures)  # no codes × characters stack


def test_segments_match_at_the_overlap_threshold(tiny: Cli) -> None:
    # diaspora: ana t2, t4; ben t2 one character short -> one pair and one unmatched span.
    r = report(tiny, "segment", measures=("percent",))
    assert fig(r, "diaspora", "percent").value == pytest.approx(0.5)
    assert fig(r, "diaspora", "percent").units == 2
    strict = report(tiny, "segment", measures=("percent",), overlap=1.0)
    assert fig(strict, "diaspora", "percent").value == pytest.approx(0.0)
    assert fig(strict, "diaspora", "percent").units == 3
    dom = report(tiny, "segment", domain="sources", measures=("percent",))
    # matched pairs: t2 (dia, dia), t4 (dia, own): agree on one of two
    assert fig(dom, "sources", "percent").value == pytest.approx(0.5)


def test_continuum_is_unitized_alpha_on_the_stored_spans(tiny: Cli) -> None:
    t = turns(tiny.db, "int_t.txt")  # type: ignore[arg-type]
    with session(tiny) as s:
        length = s.query(Document.chars).filter(Document.name == "int_t.txt").scalar()
    spans = {"ana": [(t[1][0], t[1][1], "diaspora"), (t[3][0], t[3][1], "diaspora")],
             "ben": [(t[1][0] + 1, t[1][1], "diaspora"), (t[3][0], t[3][1], "owner_emigration")]}
    r = report(tiny, "continuum")
    expected = unitized_alpha(spans, (0, length), "|u", code="diaspora")
    assert fig(r, "diaspora", "|u-alpha").value == pytest.approx(float(expected))
    dom = report(tiny, "continuum", domain="sources")
    assert fig(dom, "sources", "u-alpha").value == pytest.approx(
        float(unitized_alpha(spans, (0, length), "u")))
    assert fig(dom, "diaspora", "(k)u-alpha").value == pytest.approx(
        float(unitized_alpha(spans, (0, length), "ku", code="diaspora")))


def test_two_codes_of_a_domain_on_one_unit_are_reported(tiny: Cli, tmp_path: Path) -> None:
    t = turns(tiny.db, "int_t.txt")  # type: ignore[arg-type]
    extra = tmp_path / "extra.csv"
    extra.write_text(f"document,coder,code,start,end,memo\nint_t.txt,ana,owner_emigration,"
                     f"{t[1][0]},{t[1][1]},\n", "utf-8")
    assert tiny("import-codings", str(extra), "--coder", "ana").exit_code == 0
    r = report(tiny, "turn", domain="sources")
    assert [(c.coder, c.unit, c.codes) for c in r.conflicts] == [
        ("ana", "t2", ("diaspora", "owner_emigration"))]
    # t2 is missing for ana: three units pairable, agree on t1 and t3
    assert fig(r, "sources", "kappa").units == 3
    assert fig(r, "sources", "kappa").percent == pytest.approx(2 / 3)


def test_a_round_decides_which_documents_enter(tiny: Cli) -> None:
    with session(tiny, write=True) as s:
        ids = dict(s.query(Document.name, Document.id).all())
        from qcode.store.models import Coder

        coders = dict(s.query(Coder.name, Coder.id).all())
        rnd = Round(name="r1")
        s.add(rnd)
        s.flush()
        s.add_all([RoundAssignment(round_id=rnd.id, coder_id=coders[c], document_id=ids[d])
                   for c, d in (("ana", "int_t.txt"), ("ben", "int_t.txt"),
                                ("ana", "int_u.txt"))])  # fmt: skip
    r = report(tiny, "turn", round_name="r1")
    assert r.documents == ("int_t.txt",)
    assert r.excluded[0].reason == "not assigned to ben in round r1"
