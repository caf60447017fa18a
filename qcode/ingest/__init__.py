"""Transcript readers: one module per format behind a registry (see `registry.py`).

Importing this package is cheap: readers load their parsing libraries only when used.
"""

from qcode.ingest.base import ParsedDocument, Turn
from qcode.ingest.registry import (
    SUPPORTED_SUFFIXES,
    read_document,
    reader_for,
    register,
    supported_suffixes,
)
from qcode.ingest.speakers import merge_aliases, parse_turns

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ParsedDocument",
    "Turn",
    "merge_aliases",
    "parse_turns",
    "read_document",
    "reader_for",
    "register",
    "supported_suffixes",
]
