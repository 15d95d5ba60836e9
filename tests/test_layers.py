"""Data flows one way through auditpack: each module imports only its own layer and the layers below.

The order is written once, here (:data:`LAYERS`). The imports are read from the source with
:mod:`ast`, every one of them: at the top of a module, inside a function and under
``TYPE_CHECKING`` alike, since a lazy import of a higher layer is still a dependency on it.
A module no layer names fails the test too, so a new module is placed when it is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import auditpack

PACKAGE = Path(auditpack.__file__).parent
ROOT = "auditpack"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundations", ("auditpack", "auditpack.errors", "auditpack.terminal", "auditpack.files", "auditpack.output",
                     "auditpack.interrupt", "auditpack.lifeline", "auditpack.safe_csv", "auditpack.seal",
                     "auditpack.template_folders", "auditpack.codes", "auditpack.watch", "auditpack.kinds",
                     "auditpack.scan_code", "auditpack.typefaces", "auditpack.i18n", "auditpack.bilingual")),
    ("load", ("auditpack.load", "auditpack.logo", "auditpack.config", "auditpack.pydantic_errors")),
    ("model", ("auditpack.model", "auditpack.recommended", "auditpack.validate", "auditpack.schools",
               "auditpack.answer_formats", "auditpack.wording", "auditpack.glyphs",
               "auditpack.translations")),
    ("plan", ("auditpack.documents", "auditpack.schema")),
    ("render", ("auditpack.render", "auditpack.site")),
    ("collate", ("auditpack.collate", "auditpack.scan")),
    ("write", ("auditpack.pipeline", "auditpack.freshness", "auditpack.batch", "auditpack.serve",
               "auditpack.scaffold", "auditpack.diff")),
    ("commands", ("auditpack.cli", "auditpack.collate.cli", "auditpack.scan.cli", "auditpack.__main__")),
)
"""Lowest first. A name is a module, or a package and everything in it unless named on its own."""

PLACES = {name: index for index, (_, names) in enumerate(LAYERS) for name in names}


def modules() -> dict[str, Path]:
    """Every module of auditpack by its dotted name (a package by the name of its __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = (ROOT, *path.relative_to(PACKAGE).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def layer_of(module: str) -> int | None:
    """The layer of the longest name in :data:`LAYERS` that is the module or a package holding it
    (the package ``auditpack`` itself holds only its __init__)."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        name = ".".join(parts[:length])
        if name in PLACES and (name != ROOT or module == ROOT):
            return PLACES[name]
    return None


def imports(module: str) -> dict[str, int]:
    """The auditpack modules ``module`` imports, each with the line of its first import."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, node.module] if node.module else up)
            # "from P import x": the module P.x if there is one, else the name x of P
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            if target == ROOT or target.startswith(ROOT + "."):
                found.setdefault(_known(target), node.lineno)
    found.pop(module, None)
    return found


def _known(target: str) -> str:
    """The module a dotted name is in: ``auditpack.render.pdf.PdfRenderer`` is in ``auditpack.render.pdf``."""
    while target not in MODULES and "." in target:
        target = target.rpartition(".")[0]
    return target


GRAPH = {module: imports(module) for module in MODULES}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer_of(m) is None] == [], "add the module to LAYERS in tests/test_layers.py"


def test_no_module_imports_a_higher_layer():
    upward = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {m} ({LAYERS[layer_of(m)][0]}) imports "
              f"{target} ({LAYERS[layer_of(target)][0]})"
              for m, targets in GRAPH.items() for target, line in targets.items()
              if layer_of(m) is not None and layer_of(target) is not None and layer_of(target) > layer_of(m)]
    assert upward == []


def test_no_import_circles():
    assert circles(GRAPH) == []


def test_no_module_uses_another_modules_private_names():
    """``from x import _name`` and ``x._name`` for a module ``x`` of auditpack."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                for alias in node.names:
                    if base.split(".")[0] != ROOT:
                        continue
                    if f"{base}.{alias.name}" in MODULES:
                        aliases.add(alias.asname or alias.name)
                    elif _private(alias.name) and base != module:
                        found.append(f"{module}:{node.lineno}: from {base} import {alias.name}")
            elif isinstance(node, ast.Import):
                aliases |= {alias.asname for alias in node.names if alias.asname and alias.name.startswith(ROOT)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                    and _private(node.attr):
                found.append(f"{module}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every group of modules that import one another, round in a circle (Tarjan's strongly connected
    components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    up = parts[:len(parts) - (node.level - 1)]
    return ".".join([*up, node.module] if node.module else up)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {}}, []),
    ({"a": {"b": 1}, "b": {"a": 1}}, [["a", "b"]]),
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}, [["a", "b", "c"]]),
])
def test_circles_are_found(graph, expected):
    assert circles(graph) == expected


def test_the_layers_of_some_modules():
    """The reading of LAYERS: the longest name wins; the root package holds only its own __init__."""
    place = {name: index for index, (name, _) in enumerate(LAYERS)}
    assert layer_of("auditpack.render.pdf") == place["render"]
    assert layer_of("auditpack.collate.report") == place["collate"]
    assert layer_of("auditpack.collate.cli") == place["commands"]
    assert layer_of("auditpack") == place["foundations"]
    assert layer_of("auditpack.not_placed_yet") is None
