"""Diffs between codebook versions: add, remove, rename, change, move, retire, reorder."""

from __future__ import annotations

import json
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.codebook import (
    Code,
    Codebook,
    CodeChange,
    FieldChange,
    Move,
    Rename,
    diff_codebooks,
    parse_codebook,
    summarise,
)

OLD = """\
codebook: Knowledge sources
version: "1.0"
codes:
  - id: knowledge_sources
    label: Knowledge sources
    definition: Where export knowledge comes from.
    children:
      - {id: colocation, label: Co-location, definition: Firms nearby.}
      - {id: owner_emigration, label: Emigration, definition: Owner worked abroad.}
      - {id: old_code, label: Old, definition: Gone soon.}
  - {id: channels, label: Channels, definition: Ways to reach clients.}
  - {id: platforms, label: Platforms, definition: Online platforms., parent: knowledge_sources}
  - {id: dormant, label: Dormant, definition: D, retired: true}
"""


def book(text: str) -> Codebook:
    return parse_codebook(textwrap.dedent(text), filename="cb.yaml")


def test_same_codebook_gives_an_empty_diff() -> None:
    diff = diff_codebooks(book(OLD), book("# comment\n" + OLD))
    assert diff.is_empty
    assert summarise(diff) == []


def test_first_version_adds_everything_in_tree_order() -> None:
    diff = diff_codebooks(None, book(OLD))
    assert [c.id for c in diff.added] == [
        "knowledge_sources",
        "colocation",
        "owner_emigration",
        "old_code",
        "platforms",
        "channels",
        "dormant",
    ]
    assert summarise(diff)[0] == "+ knowledge_sources  Knowledge sources"


def test_every_kind_of_change() -> None:
    new = (
        OLD.replace('version: "1.0"', 'version: "1.1"')
        .replace("{id: owner_emigration,", "{id: emigration, renamed_from: [owner_emigration],")
        .replace("      - {id: old_code, label: Old, definition: Gone soon.}\n", "")
        .replace("Firms nearby.", "Other firms nearby.")
        .replace("parent: knowledge_sources}", "parent: channels}")
        .replace("retired: true", "retired: false")
        + "  - {id: diaspora, label: Diaspora networks, definition: D, retired: true}\n"
        + "  - {id: channels.fairs, label: Fairs, definition: D, parent: channels}\n"
    ).replace("label: Channels,", "label: Channels, colour: '#abc',")
    diff = diff_codebooks(book(OLD), book(new))
    assert [c.id for c in diff.added] == ["channels.fairs", "diaspora"]
    assert [c.id for c in diff.removed] == ["old_code"]
    assert diff.renamed == (Rename("owner_emigration", "emigration"),)
    assert diff.rename_map == {"owner_emigration": "emigration"}
    assert diff.changed == (
        CodeChange("colocation", (FieldChange("definition", "Firms nearby.", "Other firms nearby."),)),
        CodeChange("channels", (FieldChange("colour", None, "#abc"),)),
    )
    assert diff.moved == (Move("platforms", "knowledge_sources", "channels"),)
    assert diff.retired == ()
    assert diff.unretired == ("dormant",)
    assert diff.metadata == (FieldChange("version", "1.0", "1.1"),)
    assert not diff.reordered
    assert summarise(diff) == [
        "~ codebook version: 1.0 -> 1.1",
        "+ channels.fairs  Fairs",
        "+ diaspora  Diaspora networks",
        "- old_code",
        "> emigration: renamed from owner_emigration",
        "^ platforms: moved from knowledge_sources to channels",
        "~ colocation: definition changed",
        "~ channels: colour changed",
        "! dormant: no longer retired",
    ]
    json.dumps(diff.to_dict())
    assert diff.to_dict()["renamed"] == [{"old_id": "owner_emigration", "new_id": "emigration"}]


def test_retiring_keeps_the_code() -> None:
    new = OLD.replace("Gone soon.}", "Gone soon., retired: true}")
    diff = diff_codebooks(book(OLD), book(new))
    assert diff.retired == ("old_code",)
    assert diff.removed == ()
    assert summarise(diff) == ["! old_code: retired"]


def test_renaming_a_parent_does_not_move_its_children() -> None:
    new = OLD.replace(
        "  - id: knowledge_sources\n", "  - id: sources\n    renamed_from: [knowledge_sources]\n"
    ).replace("parent: knowledge_sources}", "parent: sources}")
    diff = diff_codebooks(book(OLD), book(new))
    assert diff.renamed == (Rename("knowledge_sources", "sources"),)
    assert diff.moved == ()
    assert diff.changed == ()
    assert summarise(diff) == ["> sources: renamed from knowledge_sources"]


def test_rename_chain_across_versions() -> None:
    v3 = OLD.replace("{id: owner_emigration,", "{id: emigr, renamed_from: [emigration, owner_emigration],")
    diff = diff_codebooks(book(OLD), book(v3))
    assert diff.renamed == (Rename("owner_emigration", "emigr"),)


def test_merging_two_codes_renames_both() -> None:
    new = OLD.replace("      - {id: old_code, label: Old, definition: Gone soon.}\n", "").replace(
        "{id: colocation,", "{id: colocation, renamed_from: [old_code],"
    )
    diff = diff_codebooks(book(OLD), book(new))
    assert diff.renamed == (Rename("old_code", "colocation"),)
    assert diff.removed == ()
    assert diff.changed == ()
    assert summarise(diff) == ["> colocation: renamed from old_code"]


def test_declaring_an_unknown_old_id_is_a_change() -> None:
    new = OLD.replace("{id: colocation,", "{id: colocation, renamed_from: [ghost],")
    diff = diff_codebooks(book(OLD), book(new))
    assert diff.renamed == ()
    assert diff.changed == (CodeChange("colocation", (FieldChange("renamed_from", (), ("ghost",)),)),)


def test_reordering_siblings_is_noticed() -> None:
    line = "      - {id: colocation, label: Co-location, definition: Firms nearby.}\n"
    new = OLD.replace(line, "").replace(
        "      - {id: old_code, label: Old, definition: Gone soon.}\n",
        "      - {id: old_code, label: Old, definition: Gone soon.}\n" + line,
    )
    diff = diff_codebooks(book(OLD), book(new))
    assert diff.reordered
    assert not diff.is_empty
    assert summarise(diff) == ["~ order of codes changed"]


def test_adding_a_code_does_not_count_as_reordering() -> None:
    new = OLD.replace("    children:\n", "    children:\n      - {id: first, label: F, definition: D}\n")
    diff = diff_codebooks(book(OLD), book(new))
    assert [c.id for c in diff.added] == ["first"]
    assert not diff.reordered


# --- property: a diff is empty exactly when the content hash is unchanged --------------------


Spec = list[dict[str, object]]


def build(spec: Spec) -> Codebook:
    positions: dict[object, int] = {}
    codes = []
    for item in spec:
        position = positions.get(item["parent"], 0)
        positions[item["parent"]] = position + 1
        codes.append(Code(position=position, definition="D", **item))  # type: ignore[arg-type]
    made = Codebook(name="n", version="1", codes=tuple(codes))
    return Codebook(name="n", version="1", codes=made.depth_first())


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    count = draw(st.integers(1, 6))
    spec: Spec = []
    for i in range(count):
        parent = draw(st.sampled_from([None, *(f"c{j}" for j in range(i))]))
        label = draw(st.sampled_from(["A", "B"]))
        spec.append({"id": f"c{i}", "parent": parent, "label": label})
    return spec


def mutate(spec: Spec, kind: int, index: int) -> Spec:
    spec = [dict(item) for item in spec]
    item = spec[index % len(spec)]
    if kind == 0:
        item["label"] = "Z"
    elif kind == 1:
        item["retired"] = True
    elif kind == 2:  # rename, and keep the children attached
        old, new = str(item["id"]), f"{item['id']}_new"
        item.update(id=new, renamed_from=(old,))
        for other in spec:
            if other["parent"] == old:
                other["parent"] = new
    elif kind == 3 and not any(other["parent"] == item["id"] for other in spec):
        spec.remove(item)
    elif kind == 4:
        spec.append({"id": "added", "parent": item["id"], "label": "N"})
    elif kind == 5:  # move to the top level, or swap with the next code in the file
        if item["parent"] is not None:
            item["parent"] = None
        else:
            at = spec.index(item)
            spec[at : at + 2] = reversed(spec[at : at + 2])
    return spec


@settings(max_examples=300, deadline=None)
@given(specs(), st.integers(0, 6), st.integers(0, 10))
def test_diff_is_empty_exactly_when_hash_is_unchanged(spec: Spec, kind: int, index: int) -> None:
    old, new = build(spec), build(mutate(spec, kind, index))
    diff = diff_codebooks(old, new)
    assert diff.is_empty == (old.content_hash() == new.content_hash())
    assert diff_codebooks(new, new).is_empty
