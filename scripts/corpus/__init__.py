"""Phrase banks and helpers for ``scripts/generate_corpus.py`` (synthetic interview corpus).

- ``grammar``: a tiny template language (``{slot}``, ``{a|b|c}``, ``{@male|female}``).
- ``banks``: loads the phrase banks in ``banks/en.txt`` and ``banks/sr.txt``.
- ``data``: names, towns, countries, sectors and other slot fillers.
- ``translit``: Serbian Latin to Cyrillic.
- ``compose``: builds one interview (turns, paragraphs, coded segments) from a case profile.
- ``render``: writes an interview as txt, md, docx, odt, vtt or srt, deterministically.
"""
