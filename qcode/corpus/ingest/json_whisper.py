"""OpenAI Whisper (and WhisperX) JSON: `segments` with `start`/`end` in seconds and `text`.

Whisper itself names no speakers (the text is grouped at pauses); WhisperX adds `speaker`
("SPEAKER_00") to diarised segments.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.cues import Cue
from qcode.corpus.ingest.jsonfields import objects, scalars, start_seconds, text_of

KIND = "Whisper"


def detect(loaded: Any) -> bool:
    if not isinstance(loaded, dict):
        return False
    segments = objects(loaded.get("segments"))
    if not segments:
        return False
    first = segments[0]
    return "text" in first and isinstance(first.get("start"), int | float) and (
        "seek" in first or "tokens" in first or "language" in loaded or "end" in first
    )


def cues(loaded: dict[str, Any], name: str) -> list[Cue]:
    result = []
    for segment in objects(loaded.get("segments")) or []:
        speaker = segment.get("speaker")
        result.append(Cue(
            start_seconds(segment.get("start")), text_of(segment.get("text"), name, "segment"),
            str(speaker).strip() or None if speaker is not None else None,
            end=start_seconds(segment.get("end")),
        ))
    return result


def metadata(loaded: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scalars(loaded, ("text",)).items() if k == "language"}
