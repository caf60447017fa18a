"""PDF import: a 100-page transcript in ≤ 5 s, and how the extraction libraries compare.

    python bench/bench_pdf.py [--pages 100]

1. `qcode import` of a 100-page PDF laid out as Word exports it (every run its own text object,
   runs ending inside words, running header and footer, hyphenated line ends) into a new
   project, median of 3. Target ≤ 5 s absolute.
2. On the real PDFs in ../shared/real_data (QCODE_SHARED) and on that 100-page file: seconds
   and words per library (pypdf default and layout mode, pdfminer.six, pypdfium2, each when
   installed), and whether `llamo` (split across two text runs) and `cooperativa` (hyphenated
   at a line end) come out whole. qcode uses pypdfium2
   (see qcode/corpus/ingest/pdf.py).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _timing import REPO, qcode_argv, report

sys.path.insert(0, str(REPO))
from tests.ingest.pdfmaker import make_pdf

WORDS = re.compile(r"\w+")
BROKEN = ("llamo", "cooperativa")  # split across text runs / lines in the generated file


def transcript_pdf(pages: int) -> bytes:
    body = []
    for page in range(1, pages + 1):
        lines: list[list[str]] = [["Grupo focal 3 ", "– Transcripci", "ón"], []]
        for turn in range(8):
            label = "M7" if turn % 2 == 0 else "H4"
            opening = f"lamo Ana ({page}.{turn}) y trabajo en una coopera-"
            lines.append([label[0], f"{label[1]}: Me l", opening])
            lines.append(["tiva de Lleida desde hace a", "ños, con mis vecinos y con la familia."])
            lines.append(["Hablamos de precios, de", " clientes y de lo que cuesta exportar."])
            lines.append([])
        lines.append([f"Página {page} de {pages}"])
        body.append(lines)
    return make_pdf(body)


def _pypdf(mode: str) -> Callable[[bytes], str]:
    def extract(data: bytes) -> str:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if mode == "layout":
            return "\n".join(p.extract_text(extraction_mode="layout") for p in reader.pages)
        return "\n".join(p.extract_text() for p in reader.pages)

    return extract


def _pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(data)))


def _pdfium(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document).replace("\ufffe", "")


LIBRARIES: dict[str, tuple[str, Callable[[bytes], str]]] = {
    "pypdf": ("pypdf", _pypdf("plain")),
    "pypdf layout": ("pypdf", _pypdf("layout")),
    "pdfminer.six": ("pdfminer", _pdfminer),
    "pypdfium2": ("pypdfium2", _pdfium),
}


def compare(files: dict[str, bytes]) -> None:
    print(f"\n{'library':<14} {'file':<32} {'seconds':>8} {'words':>7}  whole words")
    for library, (module, extract) in LIBRARIES.items():
        try:
            __import__(module)
        except ImportError:
            print(f"{library:<14} (not installed)")
            continue
        for name, data in files.items():
            start = time.perf_counter()
            text = extract(data)
            seconds = time.perf_counter() - start
            words = WORDS.findall(text)
            whole = all(w in text for w in BROKEN) if name.startswith("generated") else "-"
            print(f"{library:<14} {name:<32} {seconds:>8.3f} {len(words):>7}  {whole}")


def import_seconds(pdf: Path, folder: Path) -> float:
    runs = []
    for n in range(3):
        db = folder / f"q{n}.db"
        subprocess.run(qcode_argv("--db", str(db), "init"), check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(qcode_argv("--db", str(db), "import", str(pdf)), check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
    try:
        data = transcript_pdf(args.pages)
        pdf = folder / "focus_group.pdf"
        pdf.write_bytes(data)
        seconds = import_seconds(pdf, folder)
        report([(f"qcode import of a {args.pages}-page PDF", seconds, 5.0, "≤ 5 s (baseline = target)")])
        shared = Path(os.environ.get("QCODE_SHARED", REPO.parent / "shared")) / "real_data"
        files = {p.name: p.read_bytes() for p in sorted(shared.rglob("*.pdf"))}
        files[f"generated {args.pages} pages"] = data
        compare(files)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
