"""The layer rules of docs/architecture.md, checked on the source: imports run only downwards,
and no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qcode"

# Lower first. A part may import its own modules and any part below it.
LAYERS = ["errors", "store", "corpus", "codebook", "coding", "agreement", "review", "export", "tui", "cli"]
# Leaf modules every part may use: they import nothing of qcode but errors.
FOUNDATION = {"qcode.errors", "qcode.corpus.text"}
UI_ONLY = {"typer", "rich", "textual", "click"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _part(module: str) -> str | None:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 and bits[0] == "qcode" and bits[1] in LAYERS else None


def test_imports_run_only_downwards() -> None:
    wrong = []
    for module, path in _modules().items():
        mine = _part(module)
        if mine is None:
            continue
        for name in _imports(path):
            theirs = _part(name)
            if theirs is None or name in FOUNDATION or theirs == mine:
                continue
            if LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{module} imports {name}")
    assert not wrong, "\n".join(sorted(wrong))


def test_agreement_knows_nothing_of_the_store() -> None:
    for module, path in _modules().items():
        if module.startswith("qcode.agreement"):
            outside = {
                n for n in _imports(path) if n.startswith("qcode.") and not n.startswith("qcode.agreement")
            }
            assert not outside - {"qcode.errors"}, f"{module} imports {outside}"


def test_no_two_modules_import_each_other() -> None:
    modules = _modules()
    graph = {m: {n for n in _imports(p) if n in modules and n != m} for m, p in modules.items()}
    pairs = sorted(
        {tuple(sorted((a, b))) for a, deps in graph.items() for b in deps if a in graph.get(b, set())}
    )
    assert not pairs, pairs


def test_only_the_interface_imports_terminal_libraries() -> None:
    for module, path in _modules().items():
        if _part(module) in {"cli", "tui"} or module in {"qcode.__main__"}:
            continue
        used = {n.split(".")[0] for n in _imports(path)} & UI_ONLY
        assert not used, f"{module} imports {used}"
