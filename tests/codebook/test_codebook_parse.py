"""Parsing and validating codebook YAML: every rule, with exact `FILE:LINE:COL: message`."""

from __future__ import annotations

import textwrap

import pytest

from qcode.codebook import Codebook, parse_codebook
from qcode.errors import CodebookError

HEAD = 'codebook: Test\nversion: "1"\ncodes:\n'


def parse(text: str) -> Codebook:
    return parse_codebook(textwrap.dedent(text), filename="cb.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        parse(text)
    assert caught.value.message.startswith("codebook cb.yaml has ")
    return caught.value.problems


def code_problems(codes: str) -> list[str]:
    """Problems of a codebook with a valid head (codes start on line 4, indented 2)."""
    return problems(HEAD + textwrap.indent(textwrap.dedent(codes), "  "))


VALID = """\
    # Comments are fine anywhere.
    codebook: Knowledge sources of exporting SMEs
    version: 1.10
    description: |
      Sources of export knowledge.
    authors: [Ana Petrović, Marko Jovanović]
    language: en
    references: ["MacQueen et al. 1998"]
    codes:
      - id: knowledge_sources
        label: Knowledge sources
        brief: Where export knowledge comes from.
        definition: |
          Any source of knowledge.
        when_to_use: When the owner names a source.
        when_not_to_use: General talk.
        examples:
          - "We learned it from the Germans."
        counterexamples: ["We export to Germany."]
        colour: "#4E79A7"
        memo: Top level.
        children:
          - id: colocation
            label: Co-location
            definition: Firms nearby.
          - id: diaspora
            label: Diaspora
            color: "#f00"
            definition: Diaspora networks.
      - id: emigration
        parent: knowledge_sources
        label: Own emigration
        definition: The owner worked abroad.
        renamed_from: [owner_emigration]
      - id: other.misc
        label: Other
        definition: Anything else.
        retired: yes
    """


def test_valid_codebook_parses_with_every_field() -> None:
    book = parse(VALID)
    assert book.name == "Knowledge sources of exporting SMEs"
    assert book.version == "1.10"  # as written, not the float 1.1
    assert book.description == "Sources of export knowledge."
    assert book.authors == ("Ana Petrović", "Marko Jovanović")
    assert book.language == "en"
    assert book.references == ("MacQueen et al. 1998",)
    assert book.source == "cb.yaml"
    assert book.ids() == ("knowledge_sources", "colocation", "diaspora", "emigration", "other.misc")
    top = book.by_id("knowledge_sources")
    assert top.definition == "Any source of knowledge."
    assert top.examples == ("We learned it from the Germans.",)
    assert top.counterexamples == ("We export to Germany.",)
    assert top.colour == "#4e79a7"
    assert (top.line, top.position, top.parent) == (10, 0, None)
    assert book.by_id("diaspora").colour == "#f00"
    emigration = book.by_id("emigration")
    assert (emigration.parent, emigration.position) == ("knowledge_sources", 2)
    assert emigration.renamed_from == ("owner_emigration",)
    assert book.by_id("other.misc").retired is True


def test_bom_crlf_and_numbers_as_text() -> None:
    text = "\ufeffcodebook: 2026\r\nversion: 2026-11-27\r\ncodes:\r\n  - id: a\r\n"
    text += "    label: 1990s\r\n    definition: yes\r\n"
    book = parse_codebook(text, filename="cb.yaml")
    assert (book.name, book.version) == ("2026", "2026-11-27")
    assert (book.codes[0].label, book.codes[0].definition, book.codes[0].line) == ("1990s", "yes", 4)


def test_text_is_nfc_normalised() -> None:
    book = parse(HEAD + '  - id: a\n    label: "c\u030c"\n    definition: d\n')
    assert book.codes[0].label == "\u010d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "codes: []\n",
            [
                "cb.yaml:1:1: missing required key `codebook`",
                "cb.yaml:1:1: missing required key `version`",
                "cb.yaml:1:8: `codes` is empty; list at least one code",
            ],
        ),
        ("", ["cb.yaml:1:1: the codebook is empty; it needs `codebook`, `version` and `codes`"]),
        (
            "- a\n",
            ["cb.yaml:1:1: a codebook must be a mapping with `codebook`, `version` and `codes`, not a list"],
        ),
        (
            'codebook: ""\nversion: ~\ncodes: [{id: a, label: A, definition: D}]\n',
            ["cb.yaml:1:11: `codebook` is empty", "cb.yaml:2:10: `version` is empty"],
        ),
        (
            "codebook: [x]\nversion: 1\ncodes: [{id: a, label: A, definition: D}]\n",
            ["cb.yaml:1:11: `codebook` must be text, not a list"],
        ),
        (
            "codebook: x\nversion: 1\ncodes:\n  a: {label: A}\n",
            ["cb.yaml:4:3: `codes` must be a list of codes, each starting with `- id: ...`, not a mapping"],
        ),
        (
            "codebook: x\nversion: 1\nauthors: Ana\ncodes: [{id: a, label: A, definition: D}]\n",
            ["cb.yaml:3:10: `authors` must be a list of strings (one `- ...` line each)"],
        ),
    ],
)
def test_top_level_rules(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_unknown_top_level_keys_suggest() -> None:
    text = HEAD.replace("version", "versoin") + "  - {id: a, label: A, definition: D}\ntitle: x\n"
    assert problems(text) == [
        "cb.yaml:1:1: missing required key `version`",
        "cb.yaml:2:1: unknown key `versoin` (did you mean `version`?)",
        "cb.yaml:5:1: unknown key `title` (did you mean `codebook`?)",
    ]


def test_unknown_code_keys_suggest_or_list_allowed() -> None:
    assert code_problems(
        """\
        - id: a
          label: A
          definition: D
          when_to_us: x
          Label: y
          name: z
          zzz: w
        """
    ) == [
        "cb.yaml:7:5: unknown key `when_to_us` (did you mean `when_to_use`?)",
        "cb.yaml:8:5: unknown key `Label` (did you mean `label`?)",
        "cb.yaml:9:5: unknown key `name` (did you mean `label`?)",
        "cb.yaml:10:5: unknown key `zzz` (allowed: id, label, brief, definition, when_to_use, "
        "when_not_to_use, examples, counterexamples, colour, color, memo, renamed_from, "
        "retired, apply, parent, children)",
    ]


def test_duplicate_keys() -> None:
    assert code_problems("- id: a\n  label: A\n  definition: D\n  label: B\n") == [
        "cb.yaml:7:5: duplicate key `label` (first at line 5)"
    ]


def test_missing_and_empty_code_fields() -> None:
    assert code_problems(
        """\
        - id: a
          label: A
        - label: B
          definition: "  "
        - 42
        """
    ) == [
        "cb.yaml:4:5: code `a` is missing required key `definition`",
        "cb.yaml:6:5: code is missing required key `id`",
        "cb.yaml:7:17: `definition` is empty",
        "cb.yaml:8:5: each code must be a mapping with `id`, `label` and `definition`, not a value",
    ]


@pytest.mark.parametrize(
    ("code_id", "message"),
    [
        (
            "Co-location",
            "invalid id `Co-location`: use lower-case letters, digits and `_`, "
            "starting with a letter (`.` may separate parts); try `co_location`",
        ),
        (
            "1st",
            "invalid id `1st`: use lower-case letters, digits and `_`, "
            "starting with a letter (`.` may separate parts)",
        ),
        ("a" * 65, "id `" + "a" * 39 + "…` is too long (65 characters; at most 64)"),
    ],
)
def test_invalid_ids(code_id: str, message: str) -> None:
    assert code_problems(f"- id: {code_id}\n  label: A\n  definition: D\n") == [f"cb.yaml:4:9: {message}"]


def test_dotted_and_64_character_ids_are_valid() -> None:
    long_id = "a" * 64
    book = parse(
        HEAD + f"  - {{id: x.y_1, label: A, definition: D}}\n  - {{id: {long_id}, label: B, definition: D}}\n"
    )
    assert book.ids() == ("x.y_1", long_id)


def test_duplicate_ids_are_case_insensitive() -> None:
    assert code_problems(
        """\
        - {id: a, label: A, definition: D}
        - {id: b, label: B, definition: D}
        - {id: a, label: C, definition: D}
        - {id: B, label: D, definition: D}
        """
    ) == [
        "cb.yaml:6:10: duplicate id `a` (first defined at line 4)",
        "cb.yaml:7:10: invalid id `B`: use lower-case letters, digits and `_`, "
        "starting with a letter (`.` may separate parts); try `b`",
        "cb.yaml:7:10: duplicate id `B` (first defined at line 5)",
    ]


def test_renamed_from_rules() -> None:
    assert code_problems(
        """\
        - {id: a, label: A, definition: D, renamed_from: [old, b]}
        - {id: b, label: B, definition: D, renamed_from: [old, Bad]}
        """
    ) == [
        "cb.yaml:4:58: `b` in `renamed_from` is the id of a current code (line 5); "
        "an id cannot be both old and current",
        "cb.yaml:5:53: `old` is listed in `renamed_from` twice (first at line 4)",
        "cb.yaml:5:58: invalid id `Bad` in `renamed_from`: use lower-case letters, digits "
        "and `_`, starting with a letter (`.` may separate parts); try `bad`",
    ]


def test_value_types() -> None:
    assert code_problems(
        """\
        - id: a
          label: [A]
          definition: D
          examples: one quote
          counterexamples:
            - fine
            - He said: we export
            -
          retired: maybe
          parent: {x: 1}
        """
    ) == [
        "cb.yaml:5:12: `label` must be text, not a list",
        "cb.yaml:7:15: `examples` must be a list of strings (one `- ...` line each)",
        "cb.yaml:10:9: `counterexamples` item 2 must be a string, not a mapping "
        "(quote it if it contains `: `)",
        "cb.yaml:11:8: `counterexamples` item 3 is empty",
        "cb.yaml:12:14: `retired` must be true or false, not `maybe`",
        "cb.yaml:13:13: `parent` must be text, not a mapping",
    ]


def test_control_characters_in_text_are_refused() -> None:
    assert code_problems('- {id: a, label: "A\\0", definition: D}\n') == [
        "cb.yaml:4:20: `label` contains an invalid character (U+0000); remove it"
    ]


def test_colours() -> None:
    assert code_problems(
        """\
        - {id: a, label: A, definition: D, colour: "#12"}
        - {id: b, label: B, definition: D, colour: red}
        - id: c
          label: C
          definition: D
          colour: #4e79a7
        - {id: d, label: D, definition: D, colour: "#fff", color: "#000"}
        """
    ) == [
        'cb.yaml:4:46: invalid colour `#12`: use #RGB or #RRGGBB, e.g. "#4e79a7"',
        'cb.yaml:5:46: invalid colour `red`: use #RGB or #RRGGBB, e.g. "#4e79a7"',
        'cb.yaml:9:12: `colour` is empty; quote hex colours (`colour: "#4e79a7"`): '
        "an unquoted # starts a comment",
        "cb.yaml:10:54: both `colour` and `color` given; keep one",
    ]


def test_several_problems_reported_at_once_sorted_by_line() -> None:
    found = problems(
        """\
        codebook: x
        version: 1
        extra: 1
        codes:
          - id: B
            label: ""
            definition: D
          - id: c
            label: C
        """
    )
    assert [p.split(": ", 1)[0] for p in found] == [
        "cb.yaml:3:1",
        "cb.yaml:5:9",
        "cb.yaml:6:12",
        "cb.yaml:8:5",
    ]
    with pytest.raises(CodebookError, match=r"^codebook cb.yaml has 4 problems$"):
        parse(
            "codebook: x\nversion: 1\nextra: 1\ncodes:\n  - id: B\n    label: ''\n"
            "    definition: D\n  - id: c\n    label: C\n"
        )


def test_one_problem_is_singular() -> None:
    with pytest.raises(CodebookError, match=r"^codebook cb.yaml has 1 problem$"):
        parse("")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: b: c\n",
            "cb.yaml:1:5: invalid YAML: mapping values are not allowed here; quote text that contains `: `",
        ),
        (
            "a:\n\t- x\n",
            "cb.yaml:2:1: invalid YAML: found character '\\t' that cannot start "
            "any token (while scanning for the next token); indent with spaces, "
            "not tabs",
        ),
        (
            "a: [1, 2\n",
            "cb.yaml:2:1: invalid YAML: expected ',' or ']', but got '<stream end>' "
            "(while parsing a flow sequence at line 1)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "cb.yaml:2:1: invalid YAML: expected a single document in the stream, but found another document",
        ),
        ('a: "x\x00"\n', "cb.yaml:1:6: the character U+0000 is not allowed in a YAML file; remove it"),
    ],
)
def test_yaml_syntax_errors_are_reported_with_position(text: str, expected: str) -> None:
    assert problems(text) == [expected]
