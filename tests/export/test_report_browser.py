"""The report in a real browser: Chromium (the system's, driven by Playwright) opens the file
offline, draws every chart, runs the transcript viewer, and asks for nothing but the file.

Without Chromium or Playwright the test is skipped, except under CI (`CI` set), where a missing
browser is a failure: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli

CHROMIUM = os.environ.get("QCODE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _browser_or_skip() -> str:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright for Python is not installed (pip install -e '.[test]')"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser test: {problem}")
        pytest.skip(problem)
    return CHROMIUM


def test_the_report_renders_offline_in_chromium(exp: Cli, tmp_path: Path) -> None:
    executable = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    run = exp("report", "-o", str(out))
    assert run.exit_code == 0, run.stderr
    url = out.resolve().as_uri()
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("http*://**", lambda route: route.abort())  # nothing from the network
            page.goto(url)
            page.wait_for_selector("#chart-frequencies .main-svg", timeout=15_000)
            charts = page.eval_on_selector_all(
                "div.chart", "els => els.map(e => [e.id, e.classList.contains('js-plotly-plot'),"
                             " e.querySelectorAll('.main-svg').length])")
            assert len(charts) >= 7, charts
            assert all(drawn and svgs for _, drawn, svgs in charts), charts
            page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
            _check_viewer(page)
            page.locator("#transcripts").screenshot(path=str(tmp_path / "viewer.png"))
        finally:
            browser.close()
    assert requests == [url]
    assert not errors, errors
    assert (tmp_path / "report.png").stat().st_size > 10_000


def _check_viewer(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.select_option("#qv-document", label="int_002.txt (F002)")
    marks = page.locator("#qv-text mark.qv-mark")
    everyone = marks.count()
    assert everyone >= 4
    assert page.locator("#qv-text mark.qv-consensus").count() == 1
    assert "Рођак из Беча 🇦🇹" in page.inner_text("#qv-text")
    titles = " ".join(marks.evaluate_all("els => els.map(e => e.title)"))
    assert "diaspora (consensus)" in titles and "barriers (ana)" in titles
    page.uncheck("#qv-coder-0")  # ana
    without_ana = page.locator("#qv-text mark.qv-mark")
    assert 0 < without_ana.count() < everyone
    assert "(ana)" not in " ".join(without_ana.evaluate_all("els => els.map(e => e.title)"))
    page.check("#qv-coder-0")
    page.select_option("#qv-code", label="barriers \u2014 Barriers")
    barriers = page.locator("#qv-text mark.qv-mark")
    assert barriers.count() == 1 and barriers.first.inner_text() == "Loans were hard."
    assert page.inner_text("#qv-count") == "1 of 5 coding(s) shown"
