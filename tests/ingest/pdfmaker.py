"""A small PDF writer for test fixtures, laying text out the way Word's PDF export does.

Word writes every run of a line as its own text object at an absolute position, and a run can
end inside a word (a change of language, spelling mark or kerning pair starts a new run), so a
naive extractor reads `Me l` / `lamo` as two lines. Pages are lists of lines; a line is a list
of runs written left to right in Courier, whose every glyph is 0.6 em wide, so the runs of a
line abut exactly as they do in the real files.
"""

from __future__ import annotations

FONT_SIZE = 10
CHAR_WIDTH = 0.6 * FONT_SIZE
LEADING = 14


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(lines: list[list[str]]) -> bytes:
    ops: list[str] = []
    y = 800
    for runs in lines:
        x = 72.0
        for run in runs:
            # One text object per run, each placed absolutely (Tm), as Word does.
            encoded = _escape(run).encode("cp1252").decode("latin-1")
            ops.append(f"BT /F1 {FONT_SIZE} Tf 1 0 0 1 {x:.2f} {y} Tm ({encoded}) Tj ET")
            x += CHAR_WIDTH * len(run)
        y -= LEADING
    return "\n".join(ops).encode("latin-1")


def make_pdf(pages: list[list[list[str]]]) -> bytes:
    """A PDF with one page per item of `pages` (lines of runs), Courier 10 pt, WinAnsi text."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    for index, lines in enumerate(pages):
        content = _content(lines)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            f" /Contents {page_ids[index] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
