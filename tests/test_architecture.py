"""The rooms and who may import whom (docs/architecture.md), checked on the source.

Every ``import gigafactory...`` in ``src/gigafactory`` is read with :mod:`ast`, function-level
imports included (those under ``if TYPE_CHECKING`` are left out: they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "gigafactory"

FOUNDATIONS = {"units", "errors", "catalog", "solver"}
"""Rooms every room may use: units, errors, the sourced catalog and the one solver wrapper."""

MODEL_ROOMS = {"resource", "compute", "facility", "supply", "economics", "orbital", "placement"}
"""Model rooms: pure model code that never imports another model room."""

ALLOWED = {
    **dict.fromkeys(MODEL_ROOMS, FOUNDATIONS),
    "units": set(),
    "errors": set(),
    "solution": set(),
    "interior": {"solution"},
    "solver": {"interior", "solution"},
    "i18n": set(),
    "summary": {"i18n"},
    "catalog_rows": {"units"},
    "catalog_wind": {"errors", "catalog_rows"},
    "catalog": {"errors", "units", "catalog_rows", "catalog_wind"},
    "scenario": {"catalog", "errors", "units"},
    "results": {"errors", "scenario", "summary"},
    "report": {"results", "summary", "i18n"},
    "pipeline": FOUNDATIONS | MODEL_ROOMS | {"scenario", "results", "summary"},
}
"""Rooms each room may import besides itself; interfaces are checked separately."""

INTERFACES = {"cli", "web", "sweep"}
"""Interfaces: they import the public API (``gigafactory``) only, and their own parts."""


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_module(name: str) -> bool:
    base = SRC.parent.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path) -> list[str]:
    """Modules of gigafactory that ``path`` imports, outside ``if TYPE_CHECKING`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "gigafactory"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "gigafactory":
                continue
            # `from package import submodule` imports the submodule
            found += [
                f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}") else node.module
                for a in node.names
            ]
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): _imports(p) for p in sorted(SRC.rglob("*.py"))}


def test_the_reader_sees_imports_and_skips_type_checking(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nimport gigafactory\nfrom gigafactory import catalog\n"
        "if TYPE_CHECKING:\n    from gigafactory.results import Results\n"
        "def f():\n    from gigafactory.supply.model import SiteSupply\n"
    )
    assert _imports(source) == ["gigafactory", "gigafactory.catalog", "gigafactory.supply.model"]
    source.write_text("from gigafactory import run\nfrom gigafactory.supply import model\n")
    assert _imports(source) == ["gigafactory", "gigafactory.supply.model"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _room(m) in ALLOWED))
def test_rooms_import_only_what_they_may(module):
    room = _room(module)
    wrong = sorted(
        target for target in MODULES[module] if _room(target) not in ALLOWED[room] | {room}
    )
    assert not wrong, f"{module} imports {wrong}; {room} may import {sorted(ALLOWED[room])}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _room(m) in INTERFACES))
def test_interfaces_use_the_public_api(module):
    room = _room(module)
    wrong = sorted(
        t for t in MODULES[module] if t != "gigafactory" and _room(t) not in {room, "web"}
    )
    assert not wrong, f"{module} imports internals {wrong}; use the public API (gigafactory)"


def test_no_import_circles():
    graph = {m: {t for t in targets if t in MODULES} for m, targets in MODULES.items()}
    graph.pop("gigafactory")  # the public facade re-exports the interfaces that use it
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, set()) - {"gigafactory"}):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])


def test_no_module_over_500_lines():
    long = {
        _module(p): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 520
    }
    assert not long, long
