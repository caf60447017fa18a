"""Write docs/report.png: `qcode report` of the sample study in Chromium, as README shows it.

    python scripts/screenshot_report.py [--chromium /usr/bin/chromium]

Builds the sample project the way README's first command does (145 interviews, a blind round of
ana and ben on 40 of them with their double coding, the PI `pia`), writes the report with the
knowledge sources by sector, opens it in the system's Chromium through Playwright, and saves the
chart of firms with each code by sector beside the transcript viewer's first passages (fixed
viewport, so the picture changes only when the report does).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "report.png"


def build(folder: Path) -> Path:
    db = folder / "sample.db"
    double = REPO / "interviews" / "double_coded"
    steps = [
        ["init", str(db), "--codebook", str(REPO / "codebooks" / "sme_knowledge_sources.yaml")],
        ["import", str(REPO / "interviews"), "--cases", str(REPO / "interviews" / "cases.csv")],
        ["coders", "add", "pia", "--role", "pi"],
        ["coders", "--set-default", "pia"],
        ["round", "create", "pilot", "--coders", "ana,ben", "--docs-from", str(double), "--blind"],
        ["import-codings", str(double / "ana.csv")],
        ["import-codings", str(double / "ben.csv")],
        ["report", "--by", "sector", "-o", str(folder / "report.html")],
    ]
    for step in steps:
        argv = step if step[0] == "init" else ["--db", str(db), *step]
        subprocess.run([sys.executable, "-m", "qcode", *argv], check=True, capture_output=True)
    return folder / "report.html"


def shoot(page_file: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
            page.route("http*://**", lambda route: route.abort())
            page.goto(page_file.resolve().as_uri())
            page.wait_for_selector("#chart-by-0 .main-svg")
            page.add_style_tag(content="nav { position: static; }")
            top = page.locator("#by-attribute").bounding_box()
            assert top is not None
            page.screenshot(path=str(OUT), full_page=True, clip={"x": 0, "y": top["y"], "width": 1280,
                                                 "height": min(top["height"], 900)})
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qcode-report-shot-") as folder:
        shoot(build(Path(folder)), args.chromium)
    print(OUT)


if __name__ == "__main__":
    main()
