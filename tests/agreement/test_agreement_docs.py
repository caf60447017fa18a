"""docs/agreement.md stays in step with the code: every public function is documented there,
the worked kappa-paradox numbers are what the code computes, and every coefficient's docstring
gives its formula's sources."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from agreement_datasets import table_to_rows

import qcode.agreement as agreement

DOC = Path(__file__).resolve().parents[2] / "docs" / "agreement.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def public_functions() -> list[str]:
    return [n for n in agreement.__all__ if inspect.isfunction(getattr(agreement, n))]


@pytest.mark.parametrize("name", [n for n in public_functions() if n != "coerce"])
def test_every_public_function_is_documented(doc: str, name: str) -> None:
    # `coerce` is input plumbing, described under "Input" without its name.
    assert f"`{name}" in doc, f"docs/agreement.md does not mention {name}"


@pytest.mark.parametrize("name", public_functions())
def test_every_function_has_a_docstring_with_sources(name: str) -> None:
    doc = inspect.getdoc(getattr(agreement, name)) or ""
    assert doc, name
    module_doc = inspect.getdoc(inspect.getmodule(getattr(agreement, name))) or ""
    if name not in ("coerce", "bootstrap", "coincidence_matrix"):
        assert re.search(r"\(?(19|20)\d\d\)?", doc + module_doc), f"{name} cites no source"


def test_kappa_paradox_table_matches_the_code(doc: str) -> None:
    rows = {
        "percent agreement": agreement.percent_agreement,
        "Cohen's kappa": agreement.cohen_kappa,
        "Scott's pi / Fleiss' kappa": agreement.fleiss_kappa,
        "Krippendorff's alpha": agreement.krippendorff_alpha,
        "Brennan–Prediger": agreement.brennan_prediger,
        "Gwet's AC1": agreement.gwet_ac1,
    }
    balanced = table_to_rows([[45, 5], [5, 45]], ["absent", "present"])
    rare = table_to_rows([[85, 5], [5, 5]], ["absent", "present"])
    for label, f in rows.items():
        line = f"| {label} | {float(f(balanced)):.3f} | {float(f(rare)):.3f} |"
        assert line in doc, line
    assert float(agreement.scott_pi(rare)) == pytest.approx(float(agreement.fleiss_kappa(rare)))
