"""STYLE.md: the code is ruff and mypy --strict clean. Checked here so that the README's
test command (and CI) fails on a regression, not a reviewer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = ("domain", "application", "projections", "interfaces", "bench", "tests")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_tree_is_ruff_clean() -> None:
    result = run(str(BIN / "ruff"), "check", "--output-format", "concise", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_packages_are_mypy_strict_clean() -> None:
    result = run(str(BIN / "mypy"), "--strict", *PACKAGES)

    assert result.returncode == 0, result.stdout + result.stderr
