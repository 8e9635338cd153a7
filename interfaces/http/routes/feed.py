"""The event contract for downstream services (SPEC §8): the pull feed, the live
stream (Server-Sent Events), webhook subscriptions and the published schemas."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from application import schemas
from application.feed import Feed
from application.webhooks import Webhooks, attach
from interfaces.container import Container
from interfaces.http.deps import ContainerDep, CurrentUser
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS

router = APIRouter(tags=["feed"], responses=ERRORS, route_class=CommandRoute)

#: The live stream polls the log this often, sends a comment line when idle this long
#: (so proxies keep the connection), and ends after ``STREAM_SECONDS``: the client
#: reconnects with ``Last-Event-ID`` and misses nothing.
STREAM_POLL = 0.25
KEEPALIVE = 15.0
STREAM_SECONDS = 3600.0
OPEN_STREAMS = [0]  # generators running now; tests check a disconnect ends one


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    types: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list)
    secret: str = Field(min_length=1, max_length=200)
    after: int | None = Field(default=None, ge=0,
                              description="deliver events after this position "
                              "(default: the log head now)")


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: int = Field(alias="from", ge=1, description="the first position to deliver again")


def _webhooks(container: Container) -> Webhooks:
    hooks = container.extras.get("webhooks")
    return hooks if isinstance(hooks, Webhooks) else attach(container)


@router.get("/events")
def events(user: CurrentUser, container: ContainerDep,
           after: Annotated[int, Query(ge=0)] = 0,
           limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """The global log after position ``after``, in order, as CloudEvents 1.0 JSON.
    Resume with ``after=next_after``. Any role but ``sales_rep``."""
    page = Feed(container.app).page(user, after, limit)
    return {"events": page.events, "next_after": page.next_after}


@router.get("/events/stream")
def stream(request: Request, user: CurrentUser, container: ContainerDep,
           after: Annotated[int | None, Query(ge=0)] = None,
           last_event_id: Annotated[str | None, Header()] = None) -> StreamingResponse:
    """The same events as Server-Sent Events (``id`` = position). Resumes after
    ``Last-Event-ID`` (or ``?after=``)."""
    feed = Feed(container.app)
    feed.authorize(user)
    start = int(last_event_id) if last_event_id and last_event_id.isdigit() else after or 0
    return StreamingResponse(_sse(feed, request, start), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _sse(feed: Feed, request: Request, after: int) -> AsyncIterator[str]:
    OPEN_STREAMS[0] += 1
    try:
        yield "retry: 1000\n\n"
        started = quiet_since = time.monotonic()
        while time.monotonic() - started < STREAM_SECONDS:
            if await request.is_disconnected():
                return
            batch = await run_in_threadpool(feed.events, after, 100)
            for event in batch:
                after = event["position"]
                yield (f"id: {after}\nevent: {event['type']}\n"
                       f"data: {json.dumps(event, ensure_ascii=False)}\n\n")
            if batch:
                quiet_since = time.monotonic()
                continue
            if time.monotonic() - quiet_since >= KEEPALIVE:
                quiet_since = time.monotonic()
                yield ": keepalive\n\n"
            await anyio.sleep(STREAM_POLL)
    finally:
        OPEN_STREAMS[0] -= 1


@router.post("/subscriptions", status_code=201)
def subscribe(body: SubscriptionCreate, user: CurrentUser,
              container: ContainerDep) -> dict[str, Any]:
    """A webhook: each matching event is POSTed to ``url``, signed with
    ``X-Dealtrail-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``.
    ``types`` are event names (or full CloudEvents types); empty means all."""
    return _webhooks(container).subscribe(user, body.url, body.types, body.secret,
                                          body.after)


@router.get("/subscriptions/{subscription_id}")
def subscription(subscription_id: str, user: CurrentUser,
                 container: ContainerDep) -> dict[str, Any]:
    """Status, cursor position, attempts on the current event, last error, dead letters."""
    return _webhooks(container).status(user, subscription_id)


@router.post("/subscriptions/{subscription_id}/replay")
def replay(subscription_id: str, body: Replay, user: CurrentUser,
           container: ContainerDep) -> dict[str, Any]:
    """Deliver again from position ``from`` onwards."""
    return _webhooks(container).replay(user, subscription_id, body.from_)


@router.get("/schemas/events")
def event_schemas(_: CurrentUser) -> dict[str, Any]:
    """A JSON Schema for the ``data`` of every event type and version, and the envelope."""
    return schemas.catalogue()


@router.get("/schemas/asyncapi")
def asyncapi(_: CurrentUser) -> dict[str, Any]:
    """An AsyncAPI 3.0 document for the live stream and webhooks."""
    return schemas.asyncapi()
