"""Transcript readers: one module per format behind a registry (see `registry.py`)."""
