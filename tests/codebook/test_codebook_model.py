"""The in-memory codebook: tree helpers, snapshots and the content hash."""

from __future__ import annotations

import json
import textwrap

import pytest

from qcode.codebook import Code, Codebook, parse_codebook
from qcode.errors import CodebookError, NotFoundError

TEXT = textwrap.dedent(
    """\
    codebook: Knowledge sources
    version: "1.0"
    authors: [Ana Petrović]
    codes:
      - id: knowledge_sources
        label: Knowledge sources
        definition: Where export knowledge comes from.
        colour: "#4e79a7"
        children:
          - id: networks
            label: Networks
            definition: People.
            children:
              - {id: diaspora, label: Diaspora networks, definition: D, examples: ["Ћирилица 🙂"]}
              - {id: outsourcing, label: Outsourcing, definition: D, colour: "#f28e2b"}
          - {id: colocation, label: Co-location, definition: D, renamed_from: [co_location]}
      - {id: other, label: Other, definition: D, retired: true}
    """
)


@pytest.fixture
def book() -> Codebook:
    return parse_codebook(TEXT, filename="cb.yaml")


def test_tree_helpers(book: Codebook) -> None:
    assert [c.id for c in book.roots()] == ["knowledge_sources", "other"]
    assert [c.id for c in book.children_of("knowledge_sources")] == ["networks", "colocation"]
    assert book.children_of("diaspora") == ()
    assert [c.id for c in book.depth_first()] == [
        "knowledge_sources",
        "networks",
        "diaspora",
        "outsourcing",
        "colocation",
        "other",
    ]
    assert book.codes == book.depth_first()
    assert book.path("diaspora") == "knowledge_sources/networks/diaspora"
    assert book.path("other") == "other"
    assert [c.id for c in book.descendants("knowledge_sources")] == [
        "networks",
        "diaspora",
        "outsourcing",
        "colocation",
    ]
    assert [c.id for c in book.ancestors("diaspora")] == ["networks", "knowledge_sources"]
    assert book.depth("diaspora") == 2
    assert [c.id for c in book.active()][-1] == "colocation"


def test_effective_colour_inherits_from_nearest_ancestor(book: Codebook) -> None:
    assert book.effective_colour("diaspora") == "#4e79a7"
    assert book.effective_colour("outsourcing") == "#f28e2b"
    assert book.effective_colour("other") is None


def test_lookup_is_case_insensitive_and_explains_misses(book: Codebook) -> None:
    assert book.get("DIASPORA") is book.by_id("diaspora")
    assert book.get("nope") is None
    with pytest.raises(NotFoundError, match="did you mean `diaspora`"):
        book.by_id("diaspra")
    with pytest.raises(NotFoundError, match="renamed to `colocation`"):
        book.by_id("co_location")
    assert book.resolve_id("co_location") == "colocation"
    assert book.resolve_id("colocation") == "colocation"
    assert book.resolve_id("nope") is None


def test_snapshot_round_trip_through_json(book: Codebook) -> None:
    data = json.loads(json.dumps(book.to_dict()))
    assert data["codes"][2]["examples"] == ["Ћирилица 🙂"]
    again = Codebook.from_dict(data)
    assert again == book
    assert again.content_hash() == book.content_hash()
    assert again.path("diaspora") == book.path("diaspora")


def test_content_hash_ignores_layout_comments_and_file_name(book: Codebook) -> None:
    relaid = "# a comment\n\n" + TEXT.replace('version: "1.0"', "version: '1.0'  # same")
    other = parse_codebook(relaid, filename="elsewhere.yaml")
    assert other.codes[0].line != book.codes[0].line
    assert other.content_hash() == book.content_hash()
    assert len(book.content_hash()) == 64


def test_content_hash_changes_with_content(book: Codebook) -> None:
    changed = parse_codebook(TEXT.replace("People.", "People abroad."), filename="cb.yaml")
    assert changed.content_hash() != book.content_hash()
    other = "  - {id: other, label: Other, definition: D, retired: true}\n"
    moved_first = TEXT.replace(other, "").replace("codes:\n", "codes:\n" + other)
    reordered = parse_codebook(moved_first, filename="cb.yaml")
    assert reordered.ids()[0] == "other"
    assert reordered.content_hash() != book.content_hash()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("codes"),
        lambda d: d.update(version=1),
        lambda d: d["codes"][0].update(examples="x"),
        lambda d: d["codes"][0].update(retired="no"),
        lambda d: d["codes"][1].update(parent="missing"),
        lambda d: d["codes"][1].update(id="knowledge_sources"),
        lambda d: d.update(snapshot_format=99),
    ],
)
def test_from_dict_rejects_malformed_snapshots(book: Codebook, mutate: object) -> None:
    data = book.to_dict()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(CodebookError, match="stored codebook snapshot is malformed"):
        Codebook.from_dict(data)


def test_codes_can_be_built_by_hand() -> None:
    top = Code(id="a", label="A", definition="D")
    child = Code(id="b", label="B", definition="D", parent="a")
    book = Codebook(name="n", version="1", codes=(top, child))
    assert book.path("b") == "a/b"
    assert Code.from_dict(child.to_dict()) == child
