"""Deepgram JSON: `results.utterances` (diarised, `speaker` 0, 1 ...), else the first channel's
`paragraphs` (with `speaker` when diarised), else its `words`, else its plain `transcript`."""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.cues import Cue
from qcode.corpus.ingest.jsonfields import objects, start_seconds, text_of

KIND = "Deepgram"


def detect(loaded: Any) -> bool:
    results = loaded.get("results") if isinstance(loaded, dict) else None
    return isinstance(results, dict) and ("channels" in results or "utterances" in results)


def cues(loaded: dict[str, Any], name: str) -> list[Cue]:
    results = loaded["results"]
    utterances = objects(results.get("utterances"))
    if utterances:
        return [_cue(u, u.get("transcript"), name) for u in utterances]
    alternative = _alternative(results)
    paragraphs = objects((alternative.get("paragraphs") or {}).get("paragraphs"))
    if paragraphs:
        return [
            _cue(p, " ".join(str(s.get("text", "")) for s in objects(p.get("sentences")) or []), name)
            for p in paragraphs
        ]
    words = objects(alternative.get("words"))
    if words:
        return [_cue(w, w.get("punctuated_word", w.get("word")), name) for w in words]
    return [Cue(0.0, text_of(alternative.get("transcript"), name, "transcript"))]


def _alternative(results: dict[str, Any]) -> dict[str, Any]:
    channels = objects(results.get("channels")) or [{}]
    alternatives = objects(channels[0].get("alternatives")) or [{}]
    return alternatives[0]


def _cue(item: dict[str, Any], text: Any, name: str) -> Cue:
    speaker = item.get("speaker")
    label = f"Speaker {speaker}" if isinstance(speaker, int) and not isinstance(speaker, bool) else (
        str(speaker).strip() or None if speaker is not None else None)
    return Cue(start_seconds(item.get("start")), text_of(text, name, "utterance"), label,
               end=start_seconds(item.get("end")))


def metadata(loaded: dict[str, Any]) -> dict[str, Any]:
    meta = loaded.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("request_id"), str):
        return {"request_id": meta["request_id"]}
    return {}
