"""Listings stream their JSON one object at a time; the bytes must be what `write_json` gives
for the whole list (the one layout every `--format json` output has)."""

from __future__ import annotations

from typing import Any

import pytest

from qcode.cli.output import stream_json, write_json

ROWS: list[dict[str, Any]] = [
    {"id": 1, "document": "int_001.txt", "text": "Đorđe: \"da\"\n\ttab 🙂", "memo": None,
     "score": 0.1 + 0.2, "ok": True, "turn": 3},
    {"id": 2, "text": "DEL \x7f and C1 \x85 controls, NUL-free \u2028 separators"},
    {"id": 3, "nested": {"a": [1, 2, {"b": None}]}, "empty": [], "blank": {}},
    {},
    {"when": __import__("datetime").date(2026, 12, 1)},
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []], ids=["mixed", "one", "none"])
def test_streamed_json_is_byte_for_byte_what_write_json_writes(
    rows: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(rows)
    whole = capsys.readouterr().out
    stream_json(iter(rows))
    assert capsys.readouterr().out == whole
