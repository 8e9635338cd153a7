"""One error family for business rules: each error carries its SPEC rule code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused a command (answered as 409 with its code)."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details


def require(condition: bool, code: str, message: str, **details: Any) -> None:
    """Raise ``DomainError(code)`` unless ``condition`` holds."""
    if not condition:
        raise DomainError(code, message, **details)
