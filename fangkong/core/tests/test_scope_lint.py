"""No app outside `core` filters by jurisdiction on its own.

"Inside the user's jurisdiction" is written once, in `fangkong.core.scoping`
(`in_jurisdiction`, `visible_to`, `covers`, `jurisdiction_level`). This test reads the source
of every other app and fails on a hand copy: reading `user.scope`, comparing a staff member's
township / community / grid with something, or filtering rows on them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fangkong

ROOT = Path(fangkong.__file__).parent
SKIP_DIRS = {"core", "tests", "migrations", "demo", "static", "templates"}
#: names that hold a staff account in the apps' code
USER_NAMES = {"user", "by", "owner", "actor", "staff", "member", "caller", "issuer"}
PLACE_ATTRS = {"township", "community", "grid", "township_id", "community_id", "grid_id"}
QUERY_CALLS = {"filter", "exclude", "get", "Q", "get_or_create", "update_or_create"}


def _user_expr(node: ast.AST) -> bool:
    """`user`, `by`, …, or `request.user`."""
    if isinstance(node, ast.Name):
        return node.id in USER_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr == "user" and isinstance(node.value, ast.Name)
    return False


def _user_place(node: ast.AST) -> bool:
    """`user.community_id` and the like."""
    return isinstance(node, ast.Attribute) and node.attr in PLACE_ATTRS and _user_expr(node.value)


def _is_place_lookup(name: str) -> bool:
    last = name.split("__")[-1]
    return last in PLACE_ATTRS or (last in {"in", "exact"} and name.split("__")[-2] in PLACE_ATTRS)


def hand_copies(source: str, filename: str = "<source>") -> list[str]:
    """Every place in `source` that decides jurisdiction by hand, as "line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and node.attr == "scope" and _user_expr(node.value):
            found.append(f"{node.lineno}: reads {ast.unparse(node)}")
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            # "is the user bound to a township at all" (`user.township is None`) is no filter
            binding = all(isinstance(op, ast.Is | ast.IsNot) for op in node.ops)
            if not binding and any(_user_place(o) for o in operands):
                found.append(f"{node.lineno}: compares {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in QUERY_CALLS:
                continue
            for kw in node.keywords:
                if kw.arg and _is_place_lookup(kw.arg) and _user_place(kw.value):
                    found.append(f"{node.lineno}: filters {kw.arg}={ast.unparse(kw.value)}")
    return found


def _app_sources() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts[:-1])
        and not p.name.startswith("test_")
        and p.name != "conftest.py"
    )


def test_no_app_outside_core_filters_by_jurisdiction_by_hand():
    offences = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in _app_sources()
        for line in hand_copies(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not offences, (
        "Jurisdiction decided by hand; use Model.objects.in_jurisdiction / visible_to or "
        "fangkong.core.scoping.covers instead:\n" + "\n".join(offences)
    )


def test_the_scan_sees_the_apps_and_skips_core():
    files = {p.relative_to(ROOT).parts[0] for p in _app_sources()}
    assert {"checkpoints", "lockdown", "closure", "masstesting", "people"} <= files
    assert "core" not in files


def test_the_lint_catches_each_kind_of_hand_copy():
    caught = {
        "level, key = user.scope": 1,
        "ok = request.user.scope == ('township', 3)": 1,
        "ok = gate.community_id == user.community_id": 1,
        "ok = by.township_id != item.township_id": 1,
        "qs = Building.objects.filter(grid__community=user.community)": 1,
        "qs = Round.objects.filter(Q(community_id=user.community_id))": 1,
        "qs = Resident.objects.filter(grid_id__in=[by.grid_id])": 0,  # a list, not the user
        "qs = Resident.objects.exclude(grid=user.grid)": 1,
    }
    for source, n in caught.items():
        assert len(hand_copies(source)) == n, source
    allowed = [
        "qs = Building.objects.in_jurisdiction(user)",
        "ok = covers(user, gate)",
        "rnd = Round.objects.create(township_id=user.township_id)",
        "code = Community.objects.filter(pk=user.community_id).first()",
        "ok = r.volunteer_id == user.pk",
        "ok = rnd.scope == 'grid'",
        "if user.township is None: pass",
    ]
    for source in allowed:
        assert hand_copies(source) == [], source
