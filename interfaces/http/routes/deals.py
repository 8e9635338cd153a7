"""Opening a deal, the list of deals, and one deal's whole state (now or at a version)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from application import audit, views
from application.errors import DealNotFoundError, InvalidInputError
from interfaces.http.deps import ContainerDep, Reader, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer, Page
from interfaces.http.schemas.common import Day
from interfaces.http.schemas.prospecting import OpenDeal
from projections import attach

router = APIRouter(prefix="/deals", tags=["deals"], route_class=CommandRoute,
                   responses=ERRORS)


@router.post("", status_code=201)
def open_deal(body: OpenDeal, c: Step) -> CommandAnswer:
    """Open a deal with its customer and ≥ 1 contact (`DealOpened`). A sales rep opens
    deals for themself; a supervisor or admin names any `sales_rep` as `owner`."""
    return CommandAnswer.of(c.app.open_deal(c.user, **body.command(c.today)))


@router.get("")
def list_deals(c: Reader, container: ContainerDep, owner: str | None = None,
               customer: str | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Page:
    """Deals the caller may read (a sales rep: their own), oldest first."""
    return Page(**views.list_deals(c.app, c.user, owner=owner, customer=customer,
                                   limit=limit, offset=offset, index=attach(container)))


@router.get("/{deal_id}")
def read_deal(deal_id: UUID, c: Reader,
              version: Annotated[int | None, Query(ge=1, le=10**9)] = None,
              as_of: Annotated[Day | None, Query()] = None,
              at: Annotated[datetime | None, Query()] = None) -> dict[str, Any]:
    """The whole state of a deal, or its state at `version`, or at `at` (an ISO
    timestamp, UTC if naive: the last event recorded at or before it); receivables and
    the late-delivery penalty as of `as_of` (default today, or the business date of `at`)."""
    if at is not None:
        if version is not None:
            raise InvalidInputError("give version or at, not both", field="at")
        c.app.read_deal(c.user, deal_id)  # 403 / 404 before looking back in time
        version = audit.version_at(c.app, deal_id, at)
        as_of = as_of or audit.business_date(c.app, at)
    deal = c.app.read_deal(c.user, deal_id, version)
    if version is not None and deal.version != version:
        raise DealNotFoundError(f"deal {deal_id} has no version {version}", version=version)
    position = c.app.recorder.max_notification_id() or 0
    return views.deal_state(deal, as_of or c.today, position)


