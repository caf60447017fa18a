"""Exports: tables for analysis (code frequencies, the quote table, case × code matrices, code
co-occurrence and the codebook, each under the filters of `qcode codings`, written
deterministically as CSV, TSV, JSON or xlsx by `table.py`), memos, REFI-QDA exchange files
(`refi/`) and offline work packages (`pack/`)."""
