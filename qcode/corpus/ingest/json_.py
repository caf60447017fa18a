"""JSON transcripts (.json), the podcast namespace format.

`{"version": ..., "segments": [{"speaker", "startTime", "endTime", "body"}, ...]}`; a bare
list of segments and `text`/`start` spellings are accepted too. Segments are often single
words; consecutive segments of one speaker form one turn.
"""

from __future__ import annotations

import json
from typing import Any

from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.cues import Cue, layout
from qcode.corpus.ingest.vtt import seconds
from qcode.corpus.text import decode_bytes
from qcode.errors import InputError


def read(data: bytes, name: str) -> ParsedDocument:
    raw, encoding, warnings = decode_bytes(data, name=name)
    try:
        loaded = json.loads(raw.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{name} is not valid JSON ({exc}); fix or re-export it") from None
    segments = loaded.get("segments") if isinstance(loaded, dict) else loaded
    if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
        raise InputError(
            f'{name} is not a transcript JSON: expected a "segments" list of objects with '
            '"body" (and "speaker", "startTime"); convert it or import a .vtt/.srt instead'
        )
    cues = [_cue(seg, name) for seg in segments]
    metadata = {k: v for k, v in loaded.items() if k != "segments"} if isinstance(loaded, dict) else {}
    doc = layout(cues, name=name, encoding=encoding, warnings=warnings)
    doc.metadata.update({k: v for k, v in metadata.items() if isinstance(v, str | int | float)})
    return doc


def _cue(segment: dict[str, Any], name: str) -> Cue:
    body = segment.get("body", segment.get("text"))
    if not isinstance(body, str):
        raise InputError(f'{name}: a segment has no "body" text; fix or re-export the file')
    speaker = segment.get("speaker")
    return Cue(
        _start(segment.get("startTime", segment.get("start", 0))),
        " ".join(body.split()),
        (str(speaker).strip() or None) if speaker is not None else None,
    )


def _start(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return seconds(value)
        except ValueError:
            pass
    return 0.0
