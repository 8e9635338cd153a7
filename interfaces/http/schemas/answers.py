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
