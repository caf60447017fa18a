"""REFI-QDA exchange (qdasoftware.org, version 1.5): `.qdc` codebooks and `.qdpx` projects.

Exports follow the schemas strictly (element order, GUID and colour patterns); imports are
lenient where real files differ from the standard and exact where positions are concerned
(`positions.py`). Archives and XML from elsewhere are untrusted (`archive.py`, `xml.py`).
"""
