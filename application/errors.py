"""Errors of the application layer (the domain's rule errors are ``DomainError``)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code = "APPLICATION_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class DealNotFoundError(ApplicationError):
    code = "NOT_FOUND"


class ForbiddenError(ApplicationError):
    """The user's roles do not allow this command at all."""

    code = "FORBIDDEN"


class NotOwnerError(ForbiddenError):
    code = "NOT_OWNER"


class SelfApprovalError(ForbiddenError):
    code = "SELF_APPROVAL"


class VersionConflictError(ApplicationError):
    code = "VERSION_CONFLICT"


class InvalidInputError(ApplicationError):
    """Well-formed input the application cannot use, e.g. no review role named (422)."""

    code = "INVALID_INPUT"


class UnknownUserError(ApplicationError):
    """A body names a user who does not exist (a rule: 409)."""

    code = "UNKNOWN_USER"


class OwnerNotSalesRepError(ApplicationError):
    code = "OWNER_NOT_SALES_REP"
