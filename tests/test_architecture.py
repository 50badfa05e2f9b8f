"""The layers stay apart: no module of icloud_fix imports, even lazily, a module that
imports it back (a registry's kinds import what they share from a base module, not
from the registry), and the engine reaches no terminal, prompt or rendering code."""

from __future__ import annotations

import ast
from pathlib import Path

import icloud_fix

PACKAGE = Path(icloud_fix.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The icloud_fix modules a module imports, at its top or inside a function; not
    those imported for type checking only."""
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                for statement in node.orelse:
                    self.visit(statement)
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.module and node.module.split(".")[0] == "icloud_fix":
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(a.name for a in node.names if a.name.split(".")[0] == "icloud_fix")

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def test_no_import_cycle() -> None:
    graph = _graph()
    cycles = sorted(name for name in graph if name in _reachable(graph, name))
    assert cycles == [], f"modules that import themselves back: {cycles}"


def test_the_engine_reaches_no_front_end() -> None:
    reached = _reachable(_graph(), "icloud_fix.engine")
    # The readings' registry (what a flow's suggest: may name) is data; the phone, the
    # network and the screen are not.
    front_ends = {m for m in reached if m.startswith((
        "icloud_fix.prompts", "icloud_fix.report", "icloud_fix.cli", "icloud_fix.session",
        "icloud_fix.probes.iphone", "icloud_fix.probes.apple_feeds",
        "icloud_fix.probes.background"))}
    assert front_ends == set()
