"""The podcast namespace transcript JSON.

`{"version": ..., "segments": [{"speaker", "startTime", "endTime", "body"}, ...]}`; a bare
list of segments and `text`/`start` spellings are accepted too. Segments are often single
words; consecutive segments of one speaker form one turn.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.cues import Cue
from qcode.corpus.ingest.jsonfields import objects, scalars, start_seconds, text_of

KIND = "podcast"


def _segments(loaded: Any) -> list[dict[str, Any]] | None:
    return objects(loaded.get("segments") if isinstance(loaded, dict) else loaded)


def detect(loaded: Any) -> bool:
    segments = _segments(loaded)
    return segments is not None and all("body" in s or "text" in s for s in segments)


def cues(loaded: Any, name: str) -> list[Cue]:
    result = []
    for segment in _segments(loaded) or []:
        body = text_of(segment.get("body", segment.get("text")), name, "segment")
        speaker = segment.get("speaker")
        start = start_seconds(segment.get("startTime", segment.get("start", 0)))
        result.append(Cue(start, body, (str(speaker).strip() or None) if speaker is not None else None))
    return result


def metadata(loaded: Any) -> dict[str, Any]:
    return scalars(loaded, ("segments",))
