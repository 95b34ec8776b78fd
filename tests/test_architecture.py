"""The shape of the code: which app may import which, and how long a module may grow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "mediation"
FOUNDATION = {"privacy", "consent", "audit", "accounts"}

# Each app and the apps it may import (docs/architecture.md, "Direction of imports").
ALLOWED: dict[str, set[str]] = {
    "privacy": set(),
    "consent": set(),
    "audit": {"privacy"},
    "accounts": {"audit", "privacy"},
    "cases": FOUNDATION,
    "assignment": FOUNDATION | {"cases"},
    "intake": FOUNDATION | {"cases"},
    "demo": FOUNDATION | {"cases", "assignment", "intake"},
}
MAX_LINES = 600


def _modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "mediation" and len(parts) > 1 and (ROOT / parts[1]).is_dir():
                apps.add(parts[1])
    return apps


def test_every_app_is_placed_in_the_import_order() -> None:
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(ALLOWED)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_apps_import_only_what_lies_below_them(app: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {other}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for other in _imported_apps(path) - ALLOWED[app] - {app}
    }
    assert wrong == set()


def test_no_module_grows_past_the_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in _modules()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
