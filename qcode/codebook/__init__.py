"""Codebooks: the YAML format, its validation, the in-memory model and version diffs.

A pure library: no database and no printing. See docs/codebook.md for the format.
"""

from qcode.codebook.diff import (
    CodebookDiff,
    CodeChange,
    FieldChange,
    Move,
    Rename,
    diff_codebooks,
    summarise,
)
from qcode.codebook.model import Code, Codebook
from qcode.codebook.parse import MAX_BYTES, load_codebook_file, parse_codebook

__all__ = [
    "MAX_BYTES",
    "Code",
    "CodeChange",
    "Codebook",
    "CodebookDiff",
    "FieldChange",
    "Move",
    "Rename",
    "diff_codebooks",
    "load_codebook_file",
    "parse_codebook",
    "summarise",
]
