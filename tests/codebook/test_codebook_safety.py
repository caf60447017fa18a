"""Untrusted codebooks: tags, anchors and alias bombs, deep nesting, bad bytes, big files, fuzz."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.codebook import MAX_BYTES, Codebook, load_codebook_file, parse_codebook
from qcode.errors import CodebookError, InputError

GOOD = 'codebook: T\nversion: "1"\ncodes:\n  - {id: a, label: A, definition: D}\n'

BILLION_LAUGHS = 'codebook: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join(['*' + prev] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def problems(text: str) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, filename="cb.yaml")
    return caught.value.problems


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    found = problems(BILLION_LAUGHS)
    assert time.perf_counter() - started < 10.0  # a guard against expansion, not a benchmark
    assert "cb.yaml:1:11: anchors are not allowed in a codebook (`&a`)" in found
    assert "cb.yaml:2:8: aliases are not allowed in a codebook (`*a`); write the value out" in found
    assert sum("aliases are not allowed" in p for p in found) == 8 * 9


def test_alias_in_a_field_is_refused_without_follow_up_noise() -> None:
    text = GOOD.replace("label: A", "label: &l A") + "  - {id: b, label: *l, definition: D}\n"
    assert problems(text) == [
        "cb.yaml:4:20: anchors are not allowed in a codebook (`&l`)",
        "cb.yaml:5:20: aliases are not allowed in a codebook (`*l`); write the value out",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!python/object/apply:os.system ["echo owned"]', "!!python/object/apply:os.system"),
        ("!!python/name:os.system x", "!!python/name:os.system"),
        ("!custom x", "!custom"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
    ],
)
def test_non_standard_tags_are_refused(value: str, shown: str) -> None:
    text = GOOD.replace("label: A", f"label: {value}")
    assert problems(text) == [
        f"cb.yaml:4:20: tag `{shown}` is not allowed in a codebook; use plain YAML values"
    ]


def test_standard_tags_are_allowed() -> None:
    book = parse_codebook(GOOD.replace("label: A", "label: !!str 12"), filename="cb.yaml")
    assert book.codes[0].label == "12"


def test_tagged_code_is_refused() -> None:
    text = GOOD + "  - !!python/object:qcode.Code {id: b, label: B, definition: D}\n"
    assert problems(text) == [
        "cb.yaml:5:5: tag `!!python/object:qcode.Code` is not allowed in a codebook; use plain YAML values"
    ]


@pytest.mark.parametrize("text", ["[" * 100_000, "- " * 5_000 + "x", "{a: " * 5_000])
def test_deep_nesting_is_refused(text: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert "the YAML is nested too deeply (more than 64 levels)" in found[0]


def test_too_many_problems_are_capped() -> None:
    text = GOOD + "".join(f"extra_{i}: 1\n" for i in range(500))
    with pytest.raises(CodebookError, match="has 500 problems") as caught:
        parse_codebook(text, filename="cb.yaml")
    assert len(caught.value.problems) == 201
    assert caught.value.problems[-1] == "cb.yaml: 300 more problems not shown"


def test_oversized_text_is_refused() -> None:
    assert problems("#" * (MAX_BYTES + 1)) == [
        "cb.yaml:1:1: the file is larger than 5 MB; a codebook is a small text file"
    ]


# --- files -----------------------------------------------------------------------------------


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "cb.yaml"
    path.write_bytes(data)
    return path


def file_problems(path: Path) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        load_codebook_file(path)
    return [p.replace(str(path), "FILE") for p in caught.value.problems]


def test_load_utf8_with_and_without_bom(tmp_path: Path) -> None:
    for data in (GOOD.encode(), b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()):
        book = load_codebook_file(write(tmp_path, data))
        assert (book.source, book.codes[0].line) == (str(tmp_path / "cb.yaml"), 4)


def test_load_reports_bad_bytes_with_position(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("label: A", "label: Aé\xff").encode("latin-1"))
    assert file_problems(path) == ["FILE:4:21: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"]


def test_load_refuses_utf16(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.encode("utf-16"))
    assert file_problems(path) == ["FILE:1:1: the file is UTF-16; save it as UTF-8"]


def test_load_refuses_nul_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("label: A", "label: A\x00").encode())
    assert file_problems(path) == ["FILE:4:21: the character U+0000 is not allowed in a YAML file; remove it"]


def test_load_refuses_big_files(tmp_path: Path) -> None:
    path = write(tmp_path, b"#" * (MAX_BYTES + 1))
    assert file_problems(path) == ["FILE:1:1: the file is larger than 5 MB; a codebook is a small text file"]


def test_load_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_codebook_file(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_codebook_file(tmp_path)


# --- fuzz ------------------------------------------------------------------------------------

_FRAGMENTS = [
    GOOD,
    "codes:\n",
    "  - id: a\n",
    "    children:\n",
    "    parent: a\n",
    "      - {id: b, label: B, definition: D}\n",
    "    colour: '#fff'\n",
    "    renamed_from: [a]\n",
    "&x ",
    "*x ",
    "!!python/object:x ",
    "!t ",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "#",
    "'",
    '"',
    "|\n",
    "\t",
    "\x00",
    "\ufeff",
    "\r",
    "\u2028",
    "\ud800",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
]
yamlish = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=30).map("".join)


def _parses_or_reports(text: str) -> None:
    try:
        book = parse_codebook(text, filename="fuzz.yaml")
    except CodebookError as exc:
        assert exc.problems
        assert all(p.startswith("fuzz.yaml:") for p in exc.problems)
        assert all("\n" not in p for p in exc.problems)
    else:
        assert isinstance(book, Codebook)
        book.content_hash()
        assert Codebook.from_dict(book.to_dict()) == book


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish)
def test_fuzz_yamlish_text_never_crashes(text: str) -> None:
    _parses_or_reports(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes_never_crash(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "cb.yaml"
    path.write_bytes(data)
    try:
        load_codebook_file(path)
    except CodebookError as exc:
        assert exc.problems
