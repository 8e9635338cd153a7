"""The manual's tables as read models (SPEC §6). Every list answers ``{"items", "total",
"limit", "offset", "position"}``, reads its own writes (it waits up to 5 s for
``after``, else for the log head when the request arrived) and computes date-dependent
columns for ``as_of`` (default: today in the business time zone)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import attrs
from fastapi import APIRouter, Depends, Query

from application.errors import InvalidInputError
from interfaces.http.deps import ContainerDep, CurrentUser
from interfaces.http.schemas.answers import ERRORS
from projections import attach
from projections.queries import Query as ListQuery
from projections.queries import ReadModels

router = APIRouter(tags=["read models"], responses=ERRORS)


@attrs.frozen
class Listing:
    models: ReadModels
    query: ListQuery
    after: int | None


def listing(container: ContainerDep, user: CurrentUser,
            owner: Annotated[str | None, Query(max_length=200)] = None,
            customer: Annotated[str | None, Query(max_length=200)] = None,
            limit: Annotated[int, Query(ge=1, description="at most 1,000")] = 100,
            offset: Annotated[int, Query(ge=0)] = 0,
            as_of: Annotated[date | None, Query(description="YYYY-MM-DD, default today")] = None,
            after: Annotated[int | None, Query(ge=0, description="a log position to wait for "
                                                                 "(at most 5 s)")] = None,
            ) -> Listing:
    if "read_models" not in container.extras:
        container.extras["read_models"] = ReadModels(attach(container), container.app.policy)
    if after is not None and after > (head := container.extras["read_models"].runner.head()):
        # a receipt's position is committed before it is answered: none is beyond the head
        raise InvalidInputError(f"after is beyond the log head ({head})", field="after")
    query = ListQuery(user, as_of or container.clock.today(), owner, customer,
                      min(limit, 1000), offset)
    return Listing(container.extras["read_models"], query, after)


ListingDep = Annotated[Listing, Depends(listing)]
Answer = dict[str, Any]


@router.get("/follow-ups")
def follow_ups(listed: ListingDep) -> Answer:
    """Customer follow-up table (manual table 2): each deal's latest follow-up;
    ``overdue`` when its next step's due date is before ``as_of``."""
    return listed.models.follow_ups(listed.query, listed.after)


@router.get("/approvals")
def approvals(listed: ListingDep,
              role: str | None = None,
              status: Literal["waiting", "pending", "approved", "rejected",
                              "superseded"] | None = None,
              subject: Literal["proposal", "contract", "order", "change",
                               "commitment"] | None = None) -> Answer:
    """Approval queue (manual table 7): one row per review step. ``pending`` steps can
    act now; ``waiting`` ones wait for their predecessor's approval."""
    return listed.models.approvals(listed.query, listed.after, role=role, status=status,
                                   subject=subject)


@router.get("/receivables")
def receivables(listed: ListingDep,
                status: Literal["scheduled", "not_due", "due", "overdue", "paid"] | None = None,
                ) -> Answer:
    """Receivables tracking table (manual table 10): one row per milestone; status,
    days overdue, escalation and the late penalty as of ``as_of``."""
    return listed.models.receivables(listed.query, listed.after, status=status)


@router.get("/receivables/aging")
def receivables_aging(listed: ListingDep) -> Answer:
    """Outstanding money by days overdue as of ``as_of``."""
    return listed.models.aging(listed.query, listed.after)


@router.get("/pipeline")
def pipeline(listed: ListingDep) -> Answer:
    """Stage progress table: each deal's stage, since when, the next action and risk."""
    return listed.models.pipeline(listed.query, listed.after)


@router.get("/pipeline/summary")
def pipeline_summary(listed: ListingDep) -> Answer:
    """Deals per stage and the stage-to-stage conversion."""
    return listed.models.pipeline_summary(listed.query, listed.after)


@router.get("/agenda")
def agenda(listed: ListingDep, role: str | None = None) -> Answer:
    """Every open policy deadline, per owner (``owner`` = whose task it is), with
    ``overdue`` as of ``as_of``; ``role`` lists what is escalated to a role."""
    return listed.models.agenda(listed.query, listed.after, role=role)


@router.get("/maintenance")
def maintenance(listed: ListingDep) -> Answer:
    """Customer maintenance plan (manual table 9): class, cadence, last contact, next due."""
    return listed.models.maintenance(listed.query, listed.after)
