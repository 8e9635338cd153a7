"""Response schemas: what a command answers, and a page of a list."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from application.core import Receipt


class CommandAnswer(BaseModel):
    """A command's answer: the deal, its new version, the log position, the events."""

    deal_id: str
    version: int
    position: int
    events: list[str]

    @classmethod
    def of(cls, receipt: Receipt) -> CommandAnswer:
        return cls(deal_id=str(receipt.deal_id), version=receipt.version,
                   position=receipt.position, events=list(receipt.events))


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    position: int


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorAnswer(BaseModel):
    """Every error: ``{"error": {"code", "message", "details"}}`` (SPEC §5)."""

    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorAnswer, "description": text} for status, text in (
        (401, "UNAUTHENTICATED: no or an unknown bearer token"),
        (403, "FORBIDDEN (role), NOT_OWNER or SELF_APPROVAL"),
        (404, "NOT_FOUND: an id in the URL path names nothing"),
        (409, "a business rule's code, or VERSION_CONFLICT"),
        (422, "INVALID_INPUT, with the field in details"),
    )
}
