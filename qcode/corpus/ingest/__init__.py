"""Transcript readers: one module per format behind a registry (see `registry.py`).

This package imports nothing on its own, so that `qcode.corpus.ingest.base` (used by the segmenter that
every browsing command loads) stays cheap. Use `qcode.corpus.ingest.registry.read_document` to read a
file and `qcode.corpus.ingest.speakers` for turn parsing.
"""
