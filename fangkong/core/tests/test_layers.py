"""The apps form layers: an app imports only apps below it, and no import hides from this.

The import graph is read from the source (every module outside tests and migrations, imports
at module level and inside functions, and `importlib.import_module` of a literal name), so a
cycle cannot be dodged by importing late. docs/ARCHITECTURE.md explains the layers.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import fangkong

#: The layer order, lowest first: an app may import the apps listed before it, never after.
LAYERS: tuple[str, ...] = (
    "core",
    "people",
    "imports",
    "policy",
    "quarantine",
    "screening",
    "health",
    "lockdown",
    "checkpoints",
    "closure",
    "organisation",
    "supplies",
    "disinfection",
    "notices",
    "roster",
    "masstesting",
    "urgent",
    "tasks",
    "inspections",
    "reports",
    "dashboards",
    "summaries",
    "retention",
    "demo",
    "api",
    "web",
)

#: Imports against the layers that are still to be removed, each "from -> to: module path".
#: The test fails on any other, and on an entry here that no longer exists.
KNOWN_BACK_EDGES: frozenset[str] = frozenset()

ROOT = Path(fangkong.__file__).parent


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    if (
        isinstance(node, ast.Call)
        and (
            getattr(node.func, "attr", None) == "import_module"
            or getattr(node.func, "id", None) in {"import_module", "__import__"}
        )
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def import_edges() -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) → the modules where it happens."""
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if len(rel.parts) < 2 or {"tests", "migrations"} & set(rel.parts):
            continue
        source = rel.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported(node):
                parts = name.split(".")
                if parts[0] == "fangkong" and len(parts) > 1 and parts[1] in apps - {source}:
                    edges[(source, parts[1])].add(str(rel))
    return edges


def _label(edge: tuple[str, str], module: str) -> str:
    return f"{edge[0]} -> {edge[1]}: {module}"


def back_edges(edges: dict[tuple[str, str], set[str]]) -> set[str]:
    rank = {app: i for i, app in enumerate(LAYERS)}
    return {
        _label(edge, module)
        for edge, modules in edges.items()
        if rank[edge[0]] <= rank[edge[1]]
        for module in modules
    }


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The cycles of the graph, one per strongly connected component of more than one app."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert apps - set(LAYERS) == set(), "add the new app to LAYERS (docs/ARCHITECTURE.md)"
    assert set(LAYERS) - apps == set()


def test_no_import_from_a_lower_app_into_a_higher_one() -> None:
    found = back_edges(import_edges())
    assert found - KNOWN_BACK_EDGES == set()
    assert KNOWN_BACK_EDGES - found == set(), "an edge was removed: drop it from the list"


def test_no_cycle_between_apps() -> None:
    edges = import_edges()
    allowed = {
        edge
        for edge, modules in edges.items()
        if not {_label(edge, m) for m in modules} <= KNOWN_BACK_EDGES
    }
    assert cycles(allowed) == []


def test_the_graph_sees_late_and_hidden_imports(tmp_path: Path) -> None:
    tree = ast.parse(
        "import importlib\n"
        "def f():\n"
        "    from fangkong.health.models import Case\n"
        "    return importlib.import_module('fangkong.closure.levels')\n"
    )
    names = [name for node in ast.walk(tree) for name in _imported(node)]
    assert "fangkong.health.models" in names
    assert "fangkong.closure.levels" in names


def test_cycles_are_found() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert cycles({("a", "b"), ("b", "c")}) == []
