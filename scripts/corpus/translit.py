"""Serbian Latin to Cyrillic (Vuk's alphabet), word by word.

Brand names and other foreign words are kept in Latin script, as Serbian Cyrillic texts do.
Text between U+E000 and U+E001 is also kept as it is (the markers are removed).
"""

from __future__ import annotations

import re

_PAIRS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "LJ": "Љ", "Nj": "Њ", "NJ": "Њ",
          "Dž": "Џ", "DŽ": "Џ"}
_SINGLE = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
_SINGLE.update({k.upper(): v.upper() for k, v in list(_SINGLE.items())})
KEEP = frozenset(
    str.split(
        "Upwork Fiverr Toptal Etsy Etsy-ja Amazon Alibaba Europages LinkedIn HACCP IFS React "
        "Java SaaS Scrum Zoom WhatsApp Viber Excel Google WordPress B2B CE ISO EUR.1 RAS "
        "Freelancer.com lean kaizen"
    )
)
_WORD = re.compile(r"[\w.\-]+")
_PROTECTED = re.compile("\ue000(.*?)\ue001")


def _word(w: str) -> str:
    if w in KEEP or w.rstrip(".") in KEEP:
        return w
    out, i = [], 0
    while i < len(w):
        two = w[i : i + 2]
        if two in _PAIRS:
            out.append(_PAIRS[two])
            i += 2
        else:
            out.append(_SINGLE.get(w[i], w[i]))
            i += 1
    return "".join(out)


def to_cyrillic(text: str) -> str:
    parts, last = [], 0
    for m in _PROTECTED.finditer(text):
        parts.append(_WORD.sub(lambda w: _word(w.group()), text[last : m.start()]))
        parts.append(m.group(1))
        last = m.end()
    parts.append(_WORD.sub(lambda w: _word(w.group()), text[last:]))
    return "".join(parts)


def strip_protect(text: str) -> str:
    return text.replace("\ue000", "").replace("\ue001", "")
