"""`add_code_text` and the file edit: a new code goes in as text, every original byte kept."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.codebook import Codebook, parse_codebook
from qcode.codebook.edit import (
    NewCode,
    add_code_text,
    apply_edit,
    codebook_file,
    plan_add,
    revert_edit,
    write_atomically,
)
from qcode.errors import CodebookError, InputError, NotFoundError, QcodeError

TWO = """\
# Test codebook
codebook: Test book
version: "1.0"
codes:
  - id: sources            # where know-how came from
    label: Knowledge sources
    definition: Where the firm's know-how came from.
    colour: "#4e79a7"
    children:
      - id: diaspora
        label: Diaspora networks
        definition: Help from emigrants.
      # a comment between children
      - id: emigration
        label: 'Owner''s emigration'
        definition: The owner worked abroad.

  # a comment between codes
  - id: barriers
    label: Barriers
    definition: What held exporting back.
# trailing comment after the last code
"""

FOUR = """\
codebook: Four
version: 2026-11-27
codes:
    - id: a
      label: A
      definition: >
        Folded
        text.
      children:
          - id: a1
            label: A1
            definition: x
    - id: b
      label: B
      definition: y
language: en
"""

INDENTLESS = """\
codebook: Flat
version: "1"
codes:
-   id: a
    label: A
    definition: x
    examples:
    - one
-   id: b
    label: B
    definition: |
      Line one.

      Line two.

references: [r]
"""

SPACED = """\
codebook: Spaced
version: "1"
codes:
  - id: a
    label: A
    definition: x

  - id: b
    label: B
    definition: y
"""


def inserted(original: str, result: str) -> str:
    """The one stretch of text added to `original` (fails if anything else changed)."""
    p = 0
    while p < min(len(original), len(result)) and original[p] == result[p]:
        p += 1
    rest = original[p:]
    assert len(result) > len(original) and result.endswith(rest), "original text was changed"
    added = result[p : len(result) - len(rest)]
    assert result == original[:p] + added + rest
    return added


def original_lines_kept(original: str, result: str) -> None:
    """Every original line is still there, unchanged and in order (a diff only adds lines)."""
    import difflib

    old, new = re.split(r"\r\n|\r|\n", original), re.split(r"\r\n|\r|\n", result)
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), ops


def add(text: str, **fields: object) -> tuple[str, Codebook]:
    fields.setdefault("label", "New code")
    fields.setdefault("definition", "A new code.")
    result = add_code_text(text, filename="book.yaml", code=NewCode(**fields))  # type: ignore[arg-type]
    inserted(text, result)
    original_lines_kept(text, result)
    return result, parse_codebook(result, filename="book.yaml")


def tree(book: Codebook) -> list[tuple[str, str | None]]:
    return [(c.id, c.parent) for c in book.depth_first()]


def test_top_level_code_goes_after_the_last_code_before_the_trailing_comment() -> None:
    result, book = add(TWO, id="markets", label="Markets", definition="Where they sell.")
    assert tree(book)[-2:] == [("barriers", None), ("markets", None)]
    assert inserted(TWO, result) == (
        "  - id: markets\n    label: Markets\n    definition: Where they sell.\n"
    )
    assert result.endswith("# trailing comment after the last code\n")


def test_child_is_appended_to_existing_children_at_their_indentation() -> None:
    result, book = add(TWO, id="fairs", parent="sources")
    assert tree(book)[:4] == [("sources", None), ("diaspora", "sources"),
                              ("emigration", "sources"), ("fairs", "sources")]
    added = inserted(TWO, result)
    assert added.startswith("      - id: fairs\n        label: New code\n")
    assert result.index(added) < result.index("\n  # a comment between codes")


def test_children_key_is_created_for_a_leaf_parent() -> None:
    result, book = add(TWO, id="relatives", parent="diaspora")
    assert ("relatives", "diaspora") in tree(book)
    assert (
        "        definition: Help from emigrants.\n"
        "        children:\n"
        "          - id: relatives\n"
        "            label: New code\n"
        "            definition: A new code.\n"
        "      # a comment between children\n"
    ) in result


def test_parent_that_is_the_last_code_in_the_file() -> None:
    result, book = add(TWO, id="tariffs", parent="barriers")
    assert tree(book)[-1] == ("tariffs", "barriers")
    assert inserted(TWO, result).startswith("    children:\n      - id: tariffs\n")
    assert result.endswith("# trailing comment after the last code\n")


def test_four_space_indents() -> None:
    result, book = add(FOUR, id="a2", parent="a")
    assert tree(book) == [("a", None), ("a1", "a"), ("a2", "a"), ("b", None)]
    assert "\n          - id: a2\n            label: New code\n" in result
    result, book = add(FOUR, id="b1", parent="b")
    assert "\n      children:\n          - id: b1\n" in result
    assert result.endswith("language: en\n")
    result, book = add(FOUR, id="c")
    assert "\n    - id: c\n      label: New code\n" in result
    assert book.version == "2026-11-27"


def test_indentless_lists_and_wide_key_offset() -> None:
    result, book = add(INDENTLESS, id="c", examples=("two",))
    assert inserted(INDENTLESS, result) == (
        "-   id: c\n    label: New code\n    definition: A new code.\n    examples:\n    - two\n"
    )
    assert book.by_id("b").definition == "Line one.\n\nLine two."
    result, book = add(INDENTLESS, id="a1", parent="a")
    assert "    - one\n    children:\n    -   id: a1\n        label: New code\n" in result


def test_block_scalar_keeps_its_trailing_blank_line_outside_the_new_code() -> None:
    result, _ = add(INDENTLESS, id="b1", parent="b")
    assert "      Line two.\n    children:\n" in result
    assert result.endswith("\nreferences: [r]\n")


def test_keep_chomping_block_scalar_is_left_whole() -> None:
    text = SPACED.replace("definition: y", "definition: |+\n      y\n\n")
    original = parse_codebook(text, filename="b.yaml").by_id("b").definition
    _, book = add(text, id="c")
    assert book.by_id("b").definition == original


def test_blank_lines_between_codes_are_copied() -> None:
    result, _ = add(SPACED, id="c")
    assert inserted(SPACED, result).startswith("\n  - id: c\n")


def test_comment_lines_of_the_last_code_stay_with_it() -> None:
    text = TWO.replace("What held exporting back.\n", "What held exporting back.\n    # todo: split\n")
    result, _ = add(text, id="late")
    assert "    # todo: split\n  - id: late\n" in result


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff" + TWO.replace("\n", "\r\n")
    result, book = add(text, id="fairs", parent="sources", definition="Line one.\nLine two.")
    assert result.startswith("\ufeff# Test codebook\r\n")
    assert "\n" not in result.replace("\r\n", "")
    assert book.by_id("fairs").definition == "Line one.\nLine two."


def test_file_without_final_newline_still_has_none() -> None:
    text = TWO.removesuffix("\n# trailing comment after the last code\n")
    result, book = add(text, id="z")
    assert not result.endswith("\n")
    assert result.endswith("definition: A new code.")
    assert tree(book)[-1] == ("z", None)
    result, book = add(text, id="z", parent="barriers")
    assert tree(book)[-1] == ("z", "barriers")


def test_empty_children_key_gets_the_item() -> None:
    text = SPACED.replace("definition: x\n", "definition: x\n    children:   # none yet\n    memo: m\n")
    result, book = add(text, id="a1", parent="a")
    assert "    children:   # none yet\n      - id: a1\n" in result
    assert book.by_id("a").memo == "m"


def test_flat_parent_references_and_case_insensitive_parent() -> None:
    text = SPACED + "  - id: c\n    parent: a\n    label: C\n    definition: z\n"
    _, book = add(text, id="a0", parent="A")
    assert [c.id for c in book.children_of("a")] == ["a0", "c"]


def test_all_fields_and_tricky_values() -> None:
    values = {
        "label": "yes",
        "brief": "- starts with a dash",
        "definition": 'Contains: a colon, # a hash, "double" and \'single\' quotes',
        "when_to_use": "@mention and `code`",
        "when_not_to_use": "Ћирилица, čćšžđ, emoji 🎉",
        "examples": ("1.10", "key: value", "line one\n  indented two"),
        "colour": "#ABC",
    }
    _, book = add(TWO, id="tricky", parent="emigration", **values)
    code = book.by_id("tricky")
    assert (code.label, code.brief, code.definition) == (
        values["label"], values["brief"], values["definition"])
    assert (code.when_to_use, code.when_not_to_use) == (values["when_to_use"], values["when_not_to_use"])
    assert code.examples == values["examples"] and code.colour == "#abc"


_PIECES = st.sampled_from([": ", "#", " #", "'", '"', "\n", "\t", "- ", "|", ">", "&a", "*a",
                           "!!python/object", "? ", "%", "@", "`", "{", "}", "[", "]", ",", "...",
                           "---", "\u2028", "\ufeff", "e\u0301", "Ћ", "ž", "🎉", " ", "  ", "yes",
                           "null", "~", "0x1F", "1e3"])
_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
TEXT = st.lists(st.one_of(_PIECES, _CHARS), min_size=1, max_size=12).map("".join)


def _stored(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=TEXT, example=TEXT)
def test_any_text_round_trips(definition: str, example: str) -> None:
    if not _stored(definition) or not _stored(example):
        return
    result = add_code_text(TWO, filename="b.yaml", code=NewCode(
        id="new", label="L", definition=definition, parent="sources", examples=(example,)))
    original_lines_kept(TWO, result)
    code = parse_codebook(result, filename="b.yaml").by_id("new")
    assert (code.definition, code.examples) == (_stored(definition), (_stored(example),))


def test_duplicate_id_is_refused() -> None:
    with pytest.raises(CodebookError, match=r"code `diaspora` already exists in book.yaml \(line 10\)"):
        add_code_text(TWO, filename="book.yaml", code=NewCode("diaspora", "D", "d"))


def test_former_id_is_refused() -> None:
    text = TWO.replace("      - id: emigration\n", "      - id: emigration\n        renamed_from: [owner]\n")
    with pytest.raises(CodebookError, match="former id of `emigration`"):
        add_code_text(text, filename="b.yaml", code=NewCode("owner", "O", "o"))


def test_unknown_parent_suggests_a_close_id() -> None:
    with pytest.raises(NotFoundError) as caught:
        add_code_text(TWO, filename="b.yaml", code=NewCode("x", "X", "x", parent="barier"))
    assert "unknown parent `barier`" in str(caught.value)
    assert "did you mean `barriers`?" in str(caught.value)


def test_problems_of_the_new_code_are_listed_without_positions() -> None:
    with pytest.raises(CodebookError) as caught:
        add_code_text(TWO, filename="b.yaml", code=NewCode("Bad-id", " ", "d", colour="red"))
    assert caught.value.message == "cannot add code `Bad-id`: 3 problems"
    assert caught.value.problems[1] == "`label` is empty"
    assert caught.value.problems[0].startswith("invalid id `Bad-id`")
    with pytest.raises(CodebookError, match=r"^cannot add code `x`: invalid colour `#12`"):
        add_code_text(TWO, filename="b.yaml", code=NewCode("x", "X", "d", colour="#12"))


def test_an_invalid_file_is_reported_first() -> None:
    with pytest.raises(CodebookError) as caught:
        add_code_text(TWO.replace("label: Barriers", "lable: Barriers"), filename="b.yaml",
                      code=NewCode("x", "X", "x"))
    assert caught.value.hint == "fix them before adding a code"
    assert any("did you mean `label`" in p for p in caught.value.problems)


@pytest.mark.parametrize(("text", "parent", "what"), [
    ("codebook: c\nversion: '1'\ncodes: [{id: a, label: A, definition: x}]\n", None, "`codes`"),
    (SPACED.replace("definition: x\n", "definition: x\n    children: [{id: c, label: C, definition: z}]\n"),
     "a", "`children` of `a`"),
    ("codebook: c\nversion: '1'\ncodes:\n  - {id: a, label: A, definition: x}\n", "a", "code `a`"),
])
def test_flow_style_lists_are_refused(text: str, parent: str | None, what: str) -> None:
    with pytest.raises(CodebookError, match=f"{re.escape(what)} is written in flow style") as caught:
        add_code_text(text, filename="b.yaml", code=NewCode("n", "N", "n", parent=parent))
    assert caught.value.hint is not None and "block list" in caught.value.hint


def test_top_level_code_after_a_flow_item_is_fine() -> None:
    text = "codebook: c\nversion: '1'\ncodes:\n  - {id: a, label: A, definition: x}\n"
    _, book = add(text, id="b")
    assert tree(book) == [("a", None), ("b", None)]


def test_a_layout_that_would_change_other_codes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from qcode.codebook import edit

    real = edit._item_lines
    monkeypatch.setattr(edit, "_item_lines", lambda code, layout: [
        line.replace("label: X", "label: Y") for line in real(code, layout)])
    with pytest.raises(QcodeError, match="without changing the rest of it"):
        add_code_text(TWO, filename="b.yaml", code=NewCode("x", "X", "x"))


def test_codebook_file_defaults_and_errors(tmp_path: Path) -> None:
    given = tmp_path / "given.yaml"
    assert codebook_file(given, None, None) == given
    with pytest.raises(InputError, match="no codebook file") as caught:
        codebook_file(None, None, None)
    assert "--file" in str(caught.value)
    with pytest.raises(InputError, match=r"gone.yaml \(of codebook version 3\) no longer exists") as caught:
        codebook_file(None, str(tmp_path / "gone.yaml"), 3)
    assert "--file" in str(caught.value)
    source = tmp_path / "book.yaml"
    source.write_text(TWO, encoding="utf-8")
    assert codebook_file(None, str(source), 1) == source


def test_file_edit_keeps_bytes_and_can_be_reverted(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    data = b"\xef\xbb\xbf" + TWO.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(data)
    os.chmod(path, 0o640)
    edit = plan_add(path, NewCode("fairs", "Fairs", "Trade fairs", parent="sources"))
    assert path.read_bytes() == data  # planning writes nothing
    apply_edit(edit)
    assert path.read_bytes() == edit.after and edit.after.startswith(b"\xef\xbb\xbf# Test")
    assert (path.stat().st_mode & 0o777) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert revert_edit(edit) and path.read_bytes() == data


def test_file_edit_refuses_a_file_changed_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(TWO, encoding="utf-8")
    edit = plan_add(path, NewCode("x", "X", "x"))
    path.write_text(TWO + "# edited\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed while"):
        apply_edit(edit)
    assert path.read_text(encoding="utf-8") == TWO + "# edited\n"


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        plan_add(tmp_path / "missing.yaml", NewCode("x", "X", "x"))
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(TWO.encode("utf-16"))
    with pytest.raises(CodebookError):
        plan_add(utf16, NewCode("x", "X", "x"))
    with pytest.raises(InputError, match="cannot write"):
        write_atomically(tmp_path / "no" / "dir.yaml", b"x")


def test_symlinked_file_is_edited_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(TWO, encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    apply_edit(plan_add(link, NewCode("x", "X", "x")))
    assert link.is_symlink() and "- id: x" in real.read_text(encoding="utf-8")
