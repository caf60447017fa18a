"""Reading the fields of transcription-service JSON: times, texts, lists of objects."""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.vtt import seconds
from qcode.errors import InputError


def start_seconds(value: Any, *, scale: float = 1.0) -> float:
    """A start time given as a number (in units of `scale` seconds) or as `HH:MM:SS.mmm`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * scale
    if isinstance(value, str):
        try:
            return seconds(value)
        except ValueError:
            pass
    return 0.0


def text_of(value: Any, name: str, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{name}: a {what} has no text; fix or re-export the file")
    return " ".join(value.split())


def objects(value: Any) -> list[dict[str, Any]] | None:
    """`value` when it is a list of JSON objects, else None."""
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def scalars(loaded: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    """Top-level plain values of the file (version, language, id) as document metadata."""
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if k not in skip and isinstance(v, str | int | float)
            and not isinstance(v, bool)}
