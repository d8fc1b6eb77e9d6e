"""The layers of ``architecture.md`` hold: ``etl`` and ``webapp`` never import each other, ``domain``
imports neither Dash nor Airflow nor the interfaces, ``core`` imports nothing of ours above it,
and board adapters never touch the database. Read from the source (every ``import`` statement,
also those inside functions), so a lazy import cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("domain", "etl", "webapp", "jobhunter", "dash", "airflow", "flask"),
    "domain": (
        "etl",
        "webapp",
        "jobhunter",
        "dags",
        "dash",
        "dash_ag_grid",
        "airflow",
        "flask",
        "flask_login",
    ),
    "etl": ("webapp", "jobhunter", "dash", "flask"),
    "webapp": ("etl", "airflow"),
    "etl/sources": ("sqlalchemy", "core.db", "core.schema", "etl.load"),
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_it_may(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, layer
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(imported(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert not wrong, "\n".join(wrong)
