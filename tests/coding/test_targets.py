"""Reading targets (`t12`, `l40-52`, `c1200-1340`) and finding quotes as search finds text."""

from __future__ import annotations

import unicodedata

import pytest

from qcode.coding.targets import MAX_NUMBER, Target, folded_matches, looks_like_target, parse_target
from qcode.errors import UsageError


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("t14", Target("turn", 14, 14)), ("t12-t14", Target("turn", 12, 14)),
     ("T12-14", Target("turn", 12, 14)), ("p3", Target("paragraph", 3, 3)),
     ("s7", Target("sentence", 7, 7)), ("l40-52", Target("line", 40, 52)),
     ("l40–52", Target("line", 40, 52)), ("c0-10", Target("char", 0, 10)),
     ("c1200-1340", Target("char", 1200, 1340)), (f"l1-{MAX_NUMBER}", Target("line", 1, MAX_NUMBER))],
)
def test_targets_read(spec: str, expected: Target) -> None:
    assert looks_like_target(spec)
    assert parse_target(spec) == expected


@pytest.mark.parametrize(
    ("spec", "says"),
    [("c-5", "character span `c-5`: the start is missing or negative"),
     ("l10-2", "line target `l10-2` runs backwards (line 10 to 2); write l2-10"),
     ("c10-5", "`c10-5` is backwards"), ("c10-10", "`c10-10` is empty"),
     ("c5", "`c5` needs a start and an end"), ("t0", "turns are numbered from 1"),
     ("t12-", "the end of the range is missing"), ("l3--4", "the end is missing or negative"),
     ("t12-p14", "a range stays within one kind of unit: t12-t14, not p14"),
     ("t99999999999999999999", "99999999999999999999 is too large (at most 2147483647)"),
     (f"c0-{MAX_NUMBER + 1}", f"{MAX_NUMBER + 1} is too large")],
)
def test_a_bad_target_names_what_is_wrong(spec: str, says: str) -> None:
    assert looks_like_target(spec)
    with pytest.raises(UsageError) as caught:
        parse_target(spec)
    assert says in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("word", ["p2p", "colocation", "diaspora", "s", "t", "ta12", "c_12"])
def test_codes_are_not_taken_for_targets(word: str) -> None:
    assert not looks_like_target(word)


def test_folded_matches_find_capitals_and_diacritics_at_the_real_offsets() -> None:
    text = "Uvod 🙂. Najveća greška je bila\nNAJVEĆA  GREŠKA. Đorđević"
    spans = folded_matches(text, ["najveca", "greska"], 0, len(text))
    assert [text[a:b] for a, b in spans] == ["Najveća greška", "NAJVEĆA  GREŠKA"]
    assert [text[a:b] for a, b in folded_matches(text, ["dordevic"], 0, len(text))] == ["Đorđević"]
    lo = text.index("NAJ")
    assert len(folded_matches(text, ["najveca"], lo, len(text))) == 1  # within a unit only


def test_folded_matches_keep_a_combining_mark_with_its_letter() -> None:
    text = "re" + "\u0301" + "sume" + "\u0301" + " end"  # decomposed: marks after e
    spans = folded_matches(text, ["resume"], 0, len(text))
    assert [text[a:b] for a, b in spans] == [unicodedata.normalize("NFD", "résumé")]
