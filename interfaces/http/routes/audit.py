"""Audit and disputes (SPEC §7): a deal's history, its hash-chain verdict, the terms in
force on a date, the log digest and the NDJSON export."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from application import audit
from application.terms import terms_on
from interfaces.http.deps import ContainerDep, CurrentUser
from interfaces.http.schemas.answers import ERRORS
from interfaces.http.schemas.common import Day

router = APIRouter(tags=["audit"], responses=ERRORS)


@router.get("/deals/{deal_id}/history")
def history(deal_id: UUID, user: CurrentUser, container: ContainerDep) -> dict[str, Any]:
    """Every event of the deal as it was stored (never upcast): `version, type,
    recorded_at, on, actor, data, hash, prev_hash`; a row that cannot be decoded is
    listed with its `version` and an `error` instead."""
    return audit.history(container.app, user, deal_id)


@router.get("/deals/{deal_id}/verify")
def verify(deal_id: UUID, user: CurrentUser, container: ContainerDep) -> dict[str, Any]:
    """Recompute the deal's hash chain over its stored rows: `{"ok": true, "events",
    "head"}`, or `{"ok": false, "first_bad_version", "reason"}` for an edited, missing,
    swapped, reordered or undecodable row."""
    return audit.verify(container.app, user, deal_id)


@router.get("/deals/{deal_id}/terms")
def terms(deal_id: UUID, user: CurrentUser, container: ContainerDep,
          on: Annotated[Day | None, Query()] = None) -> dict[str, Any]:
    """The signed contract plus the change agreements signed on or before `on`
    (default today), and the commitments made and confirmed by then, with the signed
    documents they come from in `sources`."""
    return terms_on(container.app, user, deal_id, on or container.clock.today())


@router.get("/audit/digest")
def digest(user: CurrentUser, container: ContainerDep,
           position: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> dict[str, Any]:
    """`{"position", "digest"}`: sha256 over `deal_id:version:hash\\n` of every deal's
    head at that log position (default: the head), sorted by deal id. Keep it outside
    the system; `dealtrail audit verify --digest FILE` checks it later."""
    audit.require_auditor(user)
    return audit.digest(container.app, position)


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export(user: CurrentUser, container: ContainerDep) -> StreamingResponse:
    """NDJSON of every event in log order, as stored, with `position`, `deal_id` and
    its hashes; streamed a page at a time. `auditor` and `admin` only."""
    lines = audit.export_lines(container.app, user)
    return StreamingResponse(lines, media_type="application/x-ndjson")
