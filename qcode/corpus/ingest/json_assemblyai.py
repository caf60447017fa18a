"""AssemblyAI transcripts: `utterances` of `speaker` ("A", "B"), `start`/`end` in ms, `text`.

Without speaker labels the file has no utterances, only the `words` (each timed) and `text`.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.cues import Cue
from qcode.corpus.ingest.jsonfields import objects, scalars, start_seconds, text_of

KIND = "AssemblyAI"
_MS = 0.001


def detect(loaded: Any) -> bool:
    if not isinstance(loaded, dict):
        return False
    if objects(loaded.get("utterances")) is not None:
        return True
    return "utterances" in loaded and objects(loaded.get("words")) is not None


def cues(loaded: dict[str, Any], name: str) -> list[Cue]:
    utterances = objects(loaded.get("utterances")) or []
    if utterances:
        return [
            Cue(start_seconds(u.get("start"), scale=_MS), text_of(u.get("text"), name, "utterance"),
                _speaker(u.get("speaker")), end=start_seconds(u.get("end"), scale=_MS))
            for u in utterances
        ]
    return [
        Cue(start_seconds(w.get("start"), scale=_MS), text_of(w.get("text"), name, "word"),
            end=start_seconds(w.get("end"), scale=_MS))
        for w in objects(loaded.get("words")) or []
    ]


def _speaker(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    label = str(value).strip()
    return f"Speaker {label}" if len(label) <= 2 else label


def metadata(loaded: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scalars(loaded, ("text",)).items() if k in ("id", "language_code", "audio_url")}
