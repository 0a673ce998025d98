"""The rule modules are plain Python: they import nothing from Django (issue 11 item 7).

A rule module decides over plain data (STYLE.md: "Decisions are pure functions over plain
data"); views, forms, the API, actions and SQL gather the facts and call it. `RULE_MODULES` is the
one list of them: a new rule module is added here, and then may import only the standard library
and fangkong modules that do the same, at any depth, at module level or inside a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import fangkong

RULE_MODULES = (
    "fangkong.checkpoints.gate",
    "fangkong.checkpoints.plates",
    "fangkong.closure.checklist",
    "fangkong.closure.state",
    "fangkong.supplies.stock",
    "fangkong.disinfection.coverage",
    "fangkong.core.placeorder",
    "fangkong.core.text",
    "fangkong.health.assessment",
    "fangkong.inspections.rectification",
    "fangkong.lockdown.delivery",
    "fangkong.lockdown.disinfection",
    "fangkong.lockdown.lifting",
    "fangkong.masstesting.pooling",
    "fangkong.notices.drafts",
    "fangkong.notices.flow",
    "fangkong.notices.personal_data",
    "fangkong.organisation.plan",
    "fangkong.policy.announcements",
    "fangkong.policy.impact",
    "fangkong.policy.places",
    "fangkong.policy.rules",
    "fangkong.policy.validity",
    "fangkong.quarantine.release",
    "fangkong.quarantine.result_effect",
    "fangkong.quarantine.schedule",
    "fangkong.reports.rules",
    "fangkong.retention.windows",
    "fangkong.roster.shifts",
    "fangkong.screening.classification",
    "fangkong.tasks.flow",
    "fangkong.tasks.recurrence",
)

ROOT = Path(fangkong.__file__).parent.parent
#: an import hidden from the import statements (`importlib.import_module("django…")`) is refused
HIDING = {"importlib", "builtins"}


def source_of(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return None


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module named by an import statement of `module`, wherever the statement is."""
    path = source_of(module)
    assert path is not None, module
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from . import release` names a module, not an attribute
            found.update(
                f"{target}.{alias.name}"
                for alias in node.names
                if source_of(f"{target}.{alias.name}")
            )
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            found.add("builtins")
    return frozenset(found)


def outside_imports(module: str) -> dict[str, str]:
    """{imported module outside fangkong: the fangkong module importing it}, transitively,
    including the packages (`__init__.py`) on the way."""
    seen: set[str] = set()
    todo = [module]
    outside: dict[str, str] = {}
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parts = current.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        for name in imports_of(current):
            if name.split(".")[0] == "fangkong":
                todo.append(name if source_of(name) else name.rpartition(".")[0])
            else:
                outside.setdefault(name, current)
    return outside


@pytest.mark.parametrize("module", RULE_MODULES)
def test_a_rule_module_reaches_only_the_standard_library(module):
    outside = outside_imports(module)
    not_plain = {
        name: by
        for name, by in outside.items()
        if name.split(".")[0] not in sys.stdlib_module_names or name.split(".")[0] in HIDING
    }
    assert not_plain == {}, f"{module} reaches these imports (imported module: by): {not_plain}"


def test_the_rule_modules_load_without_django():
    # the same, as Python sees it: a fresh interpreter imports every rule module, and Django (or
    # anything else outside the standard library) was not loaded on the way
    script = (
        "import sys\n"
        f"for name in {RULE_MODULES!r}:\n"
        "    __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))\n"
        "print(' '.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_every_module_that_says_it_is_pure_is_listed():
    # a module whose docstring claims "no Django" is held to it only if it is in the list
    claims = set()
    for path in (ROOT / "fangkong").rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if "no django" in docstring.lower():
            claims.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert claims - set(RULE_MODULES) == set()
