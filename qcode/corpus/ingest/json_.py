"""JSON transcripts (.json): one small reader per transcription service, chosen by shape.

Each module in `_KINDS` has `detect(loaded) -> bool` and `cues(loaded, name) -> list[Cue]`; the
first that recognises the file reads it. A new service is one module and one line here.
"""

from __future__ import annotations

import importlib
import json

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.cues import Cue, cue_document
from qcode.corpus.text import decode_bytes
from qcode.errors import InputError

_KINDS = (
    "qcode.corpus.ingest.json_assemblyai",
    "qcode.corpus.ingest.json_deepgram",
    "qcode.corpus.ingest.json_whisper",
    "qcode.corpus.ingest.json_podcast",
)


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    raw, encoding, warnings = decode_bytes(data, name=name)
    try:
        loaded = json.loads(raw.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{name} is not valid JSON ({exc}); fix or re-export it") from None
    for module_name in _KINDS:
        module = importlib.import_module(module_name)
        if module.detect(loaded):
            cues: list[Cue] = module.cues(loaded, name)
            doc = cue_document(
                cues, name=name, encoding=encoding, warnings=warnings, speakers=options.speakers
            )
            doc.metadata.update(module.metadata(loaded))
            doc.convention = f"{module.KIND} JSON: {doc.convention}"
            return doc
    raise InputError(
        f'{name} is not a transcript JSON: expected podcast "segments", AssemblyAI "utterances", '
        'Whisper "segments" or Deepgram "results"; convert it or import a .vtt/.srt instead'
    )
