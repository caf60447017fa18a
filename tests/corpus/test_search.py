"""Full-text search (core): query language, offsets, filters, the FTS5 index and its fallback."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.corpus.importing import ImportOptions, read_file, store_document
from qcode.corpus.search import SearchResult, parse_query, search, term_pattern
from qcode.corpus.text import fold, index_text
from qcode.errors import NotFoundError, UsageError
from qcode.store import fts_sqlite as fulltext
from qcode.store import schema
from qcode.store.engine import get_engine, session_scope, to_url
from qcode.store.models import Code, Coder, Coding, Document
from qcode.store.schema import create_project, ensure_current

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "store" / "snapshots"

INTERVIEW = """Interviewer: How did you find your first client abroad?

Respondent: Through my cousin in Vienna. He knew a firm that needed welders.

Interviewer: And the firms in your zone?

Respondent: We export to Čačak and Đorđević helped. The export market grew,
and the exporters in the zone learned from us.
"""

SERBIAN = """---
case: F007
sector: IT services
region: Čačak
---
Interviewer: Koliko dugo radite sa Upwork klijentima?

Milica Đorđević: Od 2014. Први клијент је био из Шведске 🇸🇪, mali tim.

Interviewer: A posle?

Milica Đorđević: Posle je išlo lakše🙂. Izvoz u Čačak🥲 je rastao, 👍🏽 CACAK!
"""

OTHER = """---
case: F008
sector: metal
region: Niš
---
Interviewer: Do you export?

Respondent: Yes, we export steel to Vienna, and my cousin sells it.
"""


def _import(url: str, folder: Path, name: str, text: str, *, update: bool = False) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    options = ImportOptions(update=update)
    parsed = read_file(path, options)
    with session_scope(url, write=True) as session:
        store_document(session, path, parsed, options)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = to_url(tmp_path / "qcode.db")
    create_project(url, name="t")
    for name, text in (("int_a.txt", INTERVIEW), ("int_b.md", SERBIAN), ("int_c.md", OTHER)):
        _import(url, tmp_path, name, text)
    return url


@pytest.fixture
def no_fts5(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Behave as a Python whose SQLite lacks FTS5."""
    monkeypatch.setitem(fulltext._FTS5, "enabled", False)
    yield


def _find(url: str, query: str, **kw: object) -> SearchResult:
    with session_scope(url, write=False) as session:
        return search(session, query, **kw)  # type: ignore[arg-type]


def _matches(url: str, query: str, **kw: object) -> list[str]:
    return [h.match for h in _find(url, query, **kw).hits]


def _text(url: str, name: str) -> str:
    with session_scope(url, write=False) as session:
        return session.query(Document).filter_by(name=name).one().text


# --- query language ---------------------------------------------------------------------------


def test_words_must_share_a_sentence_in_any_order(url: str) -> None:
    assert _matches(url, "cousin vienna") == ["cousin in Vienna", "Vienna, and my cousin"]
    assert _matches(url, "vienna cousin") == ["cousin in Vienna", "Vienna, and my cousin"]
    assert _matches(url, "cousin welders") == []  # two sentences


def test_phrase_needs_adjacent_words_in_order(url: str) -> None:
    assert _matches(url, '"my cousin"') == ["my cousin", "my cousin"]
    assert _matches(url, '"cousin my"') == []
    # Punctuation and a line break between the words of a phrase are ignored.
    assert _matches(url, '"grew and the"') == ["grew,\nand the".replace("\n", " ")]


def test_prefix_matches_whole_words(url: str) -> None:
    result = _find(url, "export*", document="int_a.txt")
    assert [h.match for h in result.hits] == ["export", "export"]  # one row per sentence
    assert _matches(url, "exporter*") == ["exporters"]
    assert _matches(url, "expo", document="int_a.txt") == []
    assert _matches(url, '"export mark"*') == ["export market"]


def test_latin_diacritics_and_case_are_ignored(url: str) -> None:
    both = ["int_a.txt", "int_b.md"]
    assert sorted({h.document for h in _find(url, "cacak").hits}) == both
    assert sorted({h.document for h in _find(url, "ČAČAK").hits}) == both
    assert _matches(url, "dordevic") == ["Đorđević"]
    assert _matches(url, "lakse") == ["lakše"]


def test_cyrillic_matches_as_written_case_aside(url: str) -> None:
    assert _matches(url, "шведске") == ["Шведске"]
    assert _matches(url, "ПРВИ КЛИЈЕНТ") == ["Први клијент"]
    assert _matches(url, "svedske") == []  # no transliteration


def test_offsets_are_exact_code_points_next_to_emoji(url: str) -> None:
    text = _text(url, "int_b.md")
    for query, word in (("lakse", "lakše"), ("cacak", "Čačak"), ("Шведске", "Шведске"), ("tim", "tim")):
        hit = _find(url, query, document="int_b.md").hits[0]
        assert text[hit.start:hit.end] == word == hit.match
        assert hit.left == text[hit.start - 40:hit.start].replace("\n", " ")
    cacak = _find(url, "cacak", document="int_b.md")
    assert [h.match for h in cacak.hits] == ["Čačak"]  # the first of two in its sentence
    assert cacak.hits[0].right.startswith("🥲 je rastao, 👍🏽 CACAK!")


def test_context_shows_newlines_as_spaces_and_numbers_cite(url: str) -> None:
    hit = _find(url, "exporters").hits[0]
    assert "\n" not in hit.left + hit.match + hit.right
    assert hit.left.endswith("grew, and the ")
    text = _text(url, "int_a.txt")
    assert hit.line == text.count("\n", 0, hit.start) + 1
    assert hit.speaker == "Respondent" and hit.turn == 4 and hit.sentence >= 5


def test_multi_word_match_is_the_shortest_window(url: str) -> None:
    assert _matches(url, "zone exporters") == ["exporters in the zone"]


@pytest.mark.parametrize(
    "query",
    ['AND OR "(', '"', '""', "*", "NEAR(a b)", "^x", "text:abc", 'a"b', "-x +y", "a OR", "✓ ✗ !", "'; DROP",
     "(", ")", "{x}", "x NOT y"],
)
def test_hostile_queries_do_not_crash(url: str, query: str) -> None:
    try:
        result = _find(url, query)
    except UsageError as exc:
        assert exc.exit_code == 2
    else:
        assert result.engine == "fts5"


@pytest.mark.parametrize("query", ["", "   ", '"(', "*", "— …"])
def test_a_query_without_words_is_a_usage_error(url: str, query: str) -> None:
    with pytest.raises(UsageError):
        _find(url, query)


def test_query_parsing() -> None:
    terms = parse_query('Čačak "my Cousin" expo* "a b"* x-ray')
    assert [(t.tokens, t.prefix) for t in terms] == [
        (("cacak",), False), (("my", "cousin"), False), (("expo",), True), (("a", "b"), True),
        (("x", "ray"), False),
    ]
    assert fulltext.match_expression([(t.tokens, t.prefix) for t in terms]) == (
        '"cacak" AND "my cousin" AND "expo" * AND "a b" * AND "x ray"'
    )
    assert index_text("Đorđević, lakše🙂 İstanbul c\u030cacak") == "dordevic lakse istanbul cacak"
    assert index_text("Plain ASCII, as is.") == "Plain ASCII, as is."  # FTS5 cuts ASCII the same
    sigma = parse_query("ΟΔΟΣ")
    assert sigma[0].tokens == ("οδοσ",)
    assert all(term_pattern(sigma[0]).search(w) for w in ("οδος", "ΟΔΟΣ", "Οδοσ"))


def test_limit_keeps_the_count(url: str) -> None:
    result = _find(url, "the", limit=1)
    assert len(result.hits) == 1 and result.total > 1
    assert len(_find(url, "the", limit=0).hits) == result.total
    with pytest.raises(UsageError):
        _find(url, "the", limit=-1)


# --- filters ------------------------------------------------------------------------------------


def test_speaker_filter_ignores_case(url: str) -> None:
    assert _matches(url, "cacak", speaker="milica đorđević") == ["Čačak"]
    assert _matches(url, "cacak", speaker="RESPONDENT") == ["Čačak"]
    assert _matches(url, "cacak", speaker="Interviewer") == []


def test_where_filter_on_case_attributes(url: str) -> None:
    assert {h.document for h in _find(url, "cousin", where=[("sector", "METAL")]).hits} == {"int_c.md"}
    assert {h.document for h in _find(url, "export*", where=[("Region", "nis")]).hits} == {"int_c.md"}
    assert _find(url, "cousin", where=[("sector", "metal"), ("region", "Čačak")]).hits == []
    with pytest.raises(NotFoundError, match="sector"):
        _find(url, "cousin", where=[("sectr", "metal")])


def test_document_filter(url: str) -> None:
    assert {h.document for h in _find(url, "cousin", document="int_c").hits} == {"int_c.md"}
    with pytest.raises(NotFoundError):
        _find(url, "cousin", document="nope")


def _code(url: str, quote: str, key: str = "diaspora.family") -> None:
    with session_scope(url, write=True) as s:
        parent = Code(key="diaspora", label="Diaspora")
        s.add(parent)
        s.flush()
        child = Code(key=key, label="Family abroad", parent_id=parent.id)
        coder = Coder(name="ana")
        s.add_all([child, coder])
        s.flush()
        doc = s.query(Document).filter_by(name="int_a.txt").one()
        start = doc.text.index(quote)
        s.add(Coding(document_id=doc.id, code_id=child.id, coder_id=coder.id, start=start,
                     end=start + len(quote), quote=quote))


def test_code_filter_keeps_matches_inside_codings_of_the_code_or_below(url: str) -> None:
    _code(url, "Through my cousin in Vienna.")
    for key in ("diaspora", "diaspora.family"):
        result = _find(url, "cousin", code=key)
        assert [(h.document, h.match) for h in result.hits] == [("int_a.txt", "cousin")]
    assert _find(url, "welders", code="diaspora").hits == []
    # The match must lie inside the coding, not merely its sentence.
    assert _find(url, '"my cousin in vienna he"', code="diaspora").hits == []


def test_unknown_code_suggests_close_keys(url: str) -> None:
    _code(url, "Through my cousin in Vienna.")
    with pytest.raises(NotFoundError, match="diaspora"):
        _find(url, "cousin", code="diaspra")


# --- keeping the index in step ------------------------------------------------------------------


def test_update_reindexes_the_document(url: str, tmp_path: Path) -> None:
    _import(url, tmp_path, "int_a.txt", INTERVIEW.replace("Vienna", "Graz"), update=True)
    assert {h.document for h in _find(url, "vienna").hits} == {"int_c.md"}
    graz = _find(url, "graz")
    assert graz.engine == "fts5" and [h.match for h in graz.hits] == ["Graz"]
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        conn.exec_driver_sql(f"INSERT INTO {fulltext.TABLE}({fulltext.TABLE}) VALUES('integrity-check')")


QUERIES = ["cousin vienna", '"my cousin"', "export*", "cacak", "dordevic", "шведске", "the", "lakse",
           '"export mark"*', "grew and"]


def test_scan_gives_the_same_rows_as_the_index(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    indexed = {q: _find(url, q, limit=0) for q in QUERIES}
    monkeypatch.setitem(fulltext._FTS5, "enabled", False)
    for query, expected in indexed.items():
        scanned = _find(url, query, limit=0)
        assert (expected.engine, scanned.engine) == ("fts5", "scan")
        assert scanned.hits == expected.hits, query


def test_an_expression_fts5_refuses_falls_back_to_the_scan(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _find(url, "cousin vienna").hits
    monkeypatch.setattr(fulltext, "match_expression", lambda terms: '"unbalanced AND (')
    result = _find(url, "cousin vienna")
    assert result.engine == "scan" and result.hits == expected


def test_without_fts5_a_project_is_searched_by_scan_then_indexed(tmp_path: Path, no_fts5: None) -> None:
    url = to_url(tmp_path / "plain.db")
    create_project(url, name="t")
    _import(url, tmp_path, "int_a.txt", INTERVIEW)
    assert _find(url, "cousin").engine == "scan"
    fulltext._FTS5["enabled"] = True
    schema._CHECKED.discard(url)
    ensure_current(url)
    result = _find(url, "cousin")
    assert result.engine == "fts5" and [h.match for h in result.hits] == ["cousin"]


def test_writing_without_fts5_drops_the_index_mark(url: str, tmp_path: Path) -> None:
    fulltext._FTS5["enabled"] = False
    try:
        _import(url, tmp_path, "int_d.txt", "Interviewer: Is Graz far?\n")
    finally:
        fulltext._FTS5["enabled"] = True
    with get_engine(url).connect() as conn:
        assert not fulltext.is_ready(conn)
    schema._CHECKED.discard(url)
    ensure_current(url)  # rebuilt, now with the document written meanwhile
    assert [h.match for h in _find(url, "graz").hits] == ["Graz"]


def test_migration_2_indexes_a_version_1_project(tmp_path: Path) -> None:
    from qcode.corpus.ingest.base import Turn
    from qcode.corpus.segmentation import segment

    path = tmp_path / "v1.db"
    con = sqlite3.connect(path)
    con.executescript((SNAPSHOTS / "schema_v1.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    text = "Respondent: My cousin in Čačak helped.\n"
    con.execute(
        "INSERT INTO documents (id, name, text, sha256, source_format, chars, words, metadata_json,"
        " revision, imported_at, updated_at) VALUES (1, 'old.txt', ?, '', 'txt', 0, 0, '{}', 1,"
        " '2025-01-01', '2025-01-01')", (text,),
    )
    for n, unit in enumerate(segment(text, [Turn(speaker="Respondent", start=12, end=len(text) - 1)])):
        con.execute('INSERT INTO units (id, document_id, kind, number, start, "end", speaker) '
                    "VALUES (?, 1, ?, ?, ?, ?, ?)", (n + 1, unit.kind, unit.number, unit.start,
                                                      unit.end, unit.speaker))
    con.commit()
    con.close()
    url = to_url(path)
    report = ensure_current(url)
    assert report is not None and (report.from_version, report.to_version) == (1, schema.SCHEMA_VERSION)
    result = _find(url, "cacak")
    assert result.engine == "fts5"
    assert [(h.match, h.speaker) for h in result.hits] == [("Čačak", "Respondent")]


# --- the index never misses what the matcher finds ------------------------------------------------

_ALPHABET = "aAcčČćdđĐeésšzžZ ,.-_'\n\u0301🙂🥲🇸🇪👍🏽шШ2"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=40), st.data())
def test_fts5_finds_every_sentence_the_matcher_finds(sentence: str, data: st.DataObject) -> None:
    """The index narrows, the matcher decides: FTS5 must return every sentence the regex accepts."""
    words = re.findall(r"[^\W_]+", fold(sentence))
    if not words:
        return
    start = data.draw(st.integers(0, len(words) - 1))
    size = data.draw(st.integers(1, min(3, len(words) - start)))
    prefix = data.draw(st.booleans())
    phrase = words[start:start + size]
    if prefix:
        phrase[-1] = phrase[-1][: data.draw(st.integers(1, len(phrase[-1])))]
    query = ('"' + " ".join(phrase) + '"') + ("*" if prefix else "")
    terms = parse_query(query)
    found = all(term_pattern(t).search(sentence) for t in terms)
    con = sqlite3.connect(":memory:")
    con.execute(fulltext._CREATE)
    con.execute(fulltext._INSERT, (1, index_text(sentence)))
    expression = fulltext.match_expression([(t.tokens, t.prefix) for t in terms])
    indexed = con.execute(f"SELECT rowid FROM {fulltext.TABLE} WHERE {fulltext.TABLE} MATCH ?",
                          (expression,)).fetchall()
    con.close()
    assert found <= bool(indexed), (sentence, query)


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_gives_the_same_rows_as_sqlite(url: str, pg_empty: str, tmp_path: Path) -> None:
    create_project(pg_empty, name="t")
    for name, text in (("int_a.txt", INTERVIEW), ("int_b.md", SERBIAN), ("int_c.md", OTHER)):
        _import(pg_empty, tmp_path, name, text)
    for query in [*QUERIES, "AND OR \"("]:
        expected, got = _find(url, query, limit=0), _find(pg_empty, query, limit=0)
        assert got.engine == "tsvector"  # the GIN index narrows; the matcher decides
        assert got.hits == expected.hits, query
    filters = {"speaker": "milica đorđević", "where": [("region", "cacak")], "document": "int_b"}
    assert _find(pg_empty, "cacak", **filters).hits == _find(url, "cacak", **filters).hits


def test_postgres_queries_are_quoted_lexemes_only() -> None:
    from qcode.store.fts_postgres import query_text

    assert query_text([(("zone", "firms"), False), (("export",), True)]) == (
        "('zone' <-> 'firms') & ('export':*)"
    )
    # Whatever a user types reaches the server as quoted lexemes, never as tsquery syntax.
    assert query_text([(("o'neil", "a\\b", "!&|"), False)]) == "('o''neil' <-> 'a\\\\b' <-> '!&|')"


def test_postgres_vectors_keep_each_words_positions() -> None:
    from qcode.store.fts_postgres import vector_text

    assert vector_text(["export", "market", "export"]) == "'export':1,3 'market':2"
    assert vector_text(["o'neil", "a\\b"]) == "'o''neil':1 'a\\\\b':2"
    assert vector_text([f"w{i}" for i in range(16385)]).endswith("'w16384':16383")


@pytest.mark.postgres
def test_postgres_index_narrows_phrases_as_fts5_does(url: str, pg_empty: str, tmp_path: Path) -> None:
    """The candidates the index gives (before the matcher reads any text) are FTS5's, phrases
    and prefixes included: PostgreSQL reads no more texts to confirm a phrase than SQLite."""
    from sqlalchemy import select

    from qcode.store import fts_postgres, fts_sqlite
    from qcode.store.engine import session_scope
    from qcode.store.models import Document, Unit

    create_project(pg_empty, name="t")
    # A phrase's words apart or the other way round: candidates where positions are not kept.
    apart = ("Interviewer: Where did he go?\n\nRespondent: My older cousin went to Vienna, and "
             "the market for export grew when they moved back to Niš.\n")
    for name, text in (("int_a.txt", INTERVIEW), ("int_b.md", SERBIAN), ("int_c.md", OTHER),
                       ("int_d.txt", apart)):
        _import(pg_empty, tmp_path, name, text)
    _import(url, tmp_path, "int_d.txt", apart)

    def candidates(db: str, matching: Any) -> set[tuple[str, int]]:
        with session_scope(db, write=False) as s:
            ids = [row[0] for row in s.execute(matching).all()]
            return {(d, n) for d, n in s.execute(
                select(Document.name, Unit.number).join(Document, Document.id == Unit.document_id)
                .where(Unit.id.in_(ids))).all()}  # fmt: skip

    for query in ['"my cousin"', '"export mark"*', '"moved to"', "cousin vienna", "export*"]:
        terms = [(t.tokens, t.prefix) for t in parse_query(query)]
        assert candidates(pg_empty, fts_postgres.matching_ids(terms)) == candidates(
            url, fts_sqlite.matching_ids(terms)), query
