"""The parts of typer, click, questionary, prompt_toolkit and rich that icloud-fix uses
but they do not promise to keep are all listed, with a reason, in
icloud_fix.private_apis, and the packages are pinned to the ranges the tests ran with."""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from icloud_fix import private_apis

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "icloud_fix"
PACKAGES = ("typer", "click", "questionary", "prompt_toolkit", "rich")
# Modules these packages document as theirs to use; any other below the top level that
# is named here is an inner part.
INNER_MODULES = ("questionary.prompts.",)


def _modules() -> dict[str, ast.Module]:
    return {".".join(("icloud_fix", *path.relative_to(SOURCE).with_suffix("").parts))
            .removesuffix(".__init__"): ast.parse(path.read_text(), str(path))
            for path in SOURCE.rglob("*.py")}


def _private_uses(tree: ast.Module) -> set[str]:
    """What a module uses of the packages' private or inner parts, as it is written."""
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] not in PACKAGES:
                continue
            if any(p.startswith("_") and not p.startswith("__") for p in parts):
                # the module or name as far as its first private part
                first = next(i for i, p in enumerate(parts) if p.startswith("_"))
                found.add(".".join(parts[:first + 1]))
            elif name.startswith(INNER_MODULES):
                found.add(".".join(parts[:3]))
        # obj._attribute on anything but our own self and cls
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.add(f"{ast.unparse(node.value)}.{node.attr}")
    return found


def test_every_private_use_is_listed_with_its_module() -> None:
    listed = {(u.module, u.name) for u in private_apis.USES}
    used = {(module, name) for module, tree in _modules().items()
            for name in _private_uses(tree)}
    assert used - listed == set(), "used but not listed in icloud_fix/private_apis.py"


def test_every_listed_use_is_still_there_and_says_why() -> None:
    modules = {m: ast.unparse(tree) for m, tree in _modules().items()}
    for use in private_apis.USES:
        assert use.package in PACKAGES
        assert use.name in modules[use.module], f"{use.name} is no longer in {use.module}"
        assert len(use.why.split()) >= 12, use


def test_the_pins_are_the_tested_ranges_and_what_is_installed_is_in_them() -> None:
    # What the installed icloud-fix declares (pyproject.toml's dependencies), extras
    # such as [test] left out.
    declared = [Requirement(line) for line in importlib.metadata.requires("icloud-fix") or ()]
    pins = {r.name.replace("-", "_").lower(): r.specifier for r in declared if not r.marker}
    for package, tested in private_apis.TESTED.items():
        assert pins[package] == SpecifierSet(tested), package
        version = importlib.metadata.version(package)
        assert version in SpecifierSet(tested), f"{package} {version} is not in {tested}"
    # every package with a listed use is pinned, with an upper bound
    for use in private_apis.USES:
        assert re.search(r"<", private_apis.TESTED[use.package]), use.package
