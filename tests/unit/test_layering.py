"""The domain imports only the standard library, eventsourcing.domain and attrs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.py"))
FORBIDDEN = ("sqlalchemy", "fastapi", "pydantic", "application", "projections", "interfaces",
             "psycopg", "httpx")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_domain_package_has_modules_to_check() -> None:
    assert len(DOMAIN_FILES) >= 10


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_a_domain_module_imports_no_infrastructure_or_outer_layer(path: Path) -> None:
    imports = imported_modules(path)

    bad = sorted(m for m in imports if m.split(".")[0] in FORBIDDEN)

    assert bad == []


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_a_domain_module_uses_only_eventsourcing_domain_from_the_library(path: Path) -> None:
    imports = imported_modules(path)

    library = sorted(m for m in imports if m.split(".")[0] == "eventsourcing")

    assert all(m == "eventsourcing.domain" for m in library), library


def test_importing_the_deal_loads_no_infrastructure_or_outer_layer() -> None:
    probe = ("import sys, domain.deal; "
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(FORBIDDEN)!r})))")

    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == ""
