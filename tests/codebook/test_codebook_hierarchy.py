"""Parent references, nesting, their contradictions and cycles."""

from __future__ import annotations

import textwrap

import pytest

from qcode.codebook import Codebook, parse_codebook
from qcode.errors import CodebookError

HEAD = 'codebook: Test\nversion: "1"\ncodes:\n'


def parse(codes: str) -> Codebook:
    text = HEAD + textwrap.indent(textwrap.dedent(codes), "  ")
    return parse_codebook(text, filename="cb.yaml")


def problems(codes: str) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        parse(codes)
    return caught.value.problems


def test_parent_references_and_nesting_mix() -> None:
    book = parse(
        """\
        - id: b_child
          parent: top
          label: B
          definition: D
        - id: top
          label: Top
          definition: D
          children:
            - {id: a_child, label: A, definition: D, parent: top}
            - id: mid
              label: Mid
              definition: D
              children:
                - {id: leaf, label: Leaf, definition: D}
        """
    )
    # Siblings keep the order in which they appear in the file, however they were attached.
    assert book.ids() == ("top", "b_child", "a_child", "mid", "leaf")
    assert [c.id for c in book.children_of("top")] == ["b_child", "a_child", "mid"]
    assert [(c.id, c.position) for c in book.children_of("top")] == [
        ("b_child", 0),
        ("a_child", 1),
        ("mid", 2),
    ]
    assert book.by_id("leaf").parent == "mid"
    assert book.path("leaf") == "top/mid/leaf"


def test_unknown_parent_suggests_close_ids_and_renames() -> None:
    assert problems(
        """\
        - {id: knowledge_sources, label: K, definition: D}
        - {id: diaspora, label: D, definition: D, parent: knowlege_sources}
        - {id: emigration, label: E, definition: D, renamed_from: [owner_emigration]}
        - {id: x, label: X, definition: D, parent: owner_emigration}
        - {id: y, label: Y, definition: D, parent: nope}
        """
    ) == [
        "cb.yaml:5:53: unknown parent `knowlege_sources` (did you mean `knowledge_sources`?)",
        "cb.yaml:7:46: unknown parent `owner_emigration` (it was renamed to `emigration`)",
        "cb.yaml:8:46: unknown parent `nope`",
    ]


def test_nested_code_naming_a_different_parent() -> None:
    assert problems(
        """\
        - {id: a, label: A, definition: D}
        - id: b
          label: B
          definition: D
          children:
            - {id: c, label: C, definition: D, parent: a}
        """
    ) == [
        "cb.yaml:9:50: `parent: a` contradicts nesting under `b`; use one or the other",
    ]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (
            "- {id: a, label: A, definition: D, parent: a}\n",
            ["cb.yaml:4:46: parent cycle: a -> a"],
        ),
        (
            "- {id: b, label: B, definition: D, parent: c}\n"
            "- {id: a, label: A, definition: D, parent: b}\n"
            "- {id: c, label: C, definition: D, parent: a}\n",
            ["cb.yaml:4:46: parent cycle: b -> c -> a -> b"],
        ),
        (
            "- id: a\n  label: A\n  definition: D\n  parent: b\n"
            "  children:\n    - {id: b, label: B, definition: D}\n",
            ["cb.yaml:7:13: parent cycle: a -> b -> a"],
        ),
    ],
)
def test_parent_cycles(codes: str, expected: list[str]) -> None:
    assert problems(codes) == expected


def test_two_separate_cycles_and_a_tail_are_each_reported_once() -> None:
    assert problems(
        """\
        - {id: a, label: A, definition: D, parent: b}
        - {id: b, label: B, definition: D, parent: a}
        - {id: t, label: T, definition: D, parent: a}
        - {id: x, label: X, definition: D, parent: y}
        - {id: y, label: Y, definition: D, parent: x}
        """
    ) == [
        "cb.yaml:4:46: parent cycle: a -> b -> a",
        "cb.yaml:7:46: parent cycle: x -> y -> x",
    ]


def test_long_parent_chain_has_no_recursion_limit() -> None:
    lines = ["- {id: c0, label: L, definition: D}\n"]
    lines += [f"- {{id: c{i}, label: L, definition: D, parent: c{i - 1}}}\n" for i in range(1, 3000)]
    book = parse("".join(lines))
    assert len(book.depth_first()) == 3000
    assert book.path("c2999").count("/") == 2999
    assert len(book.descendants("c0")) == 2999
