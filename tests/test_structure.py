"""The shape of the code: one place per concept, no import cycles, modules that fit in a head."""

from __future__ import annotations

import ast
from pathlib import Path

from portcheck import engines

PACKAGE = Path(__file__).resolve().parent.parent / "portcheck"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every portcheck module `path` imports, wherever the import is (TYPE_CHECKING blocks included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {name for name in found if name in known}


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: imports(path, known) for name, path in known.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for child in sorted(graph[name]):
            assert state.get(child) != "open", " -> ".join([*trail, name, child])
            if child not in state:
                visit(child, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_engine_type_names_live_in_the_engines_folder() -> None:
    names = set(engines.TYPES)
    outside = []
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "engines") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in names:
                outside.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert outside == []


def test_no_module_is_too_long() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
