"""Shared helpers for the feed, stream, webhook, schema and upcast tests (no tests here)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import attrs
import uvicorn
from fastapi.testclient import TestClient

from application.clock import FixedClock
from application.config import Settings
from application.examples import add_staff, run, xx_keji_steps
from application.users import User, UserDirectory
from domain.values import Contact, Customer
from interfaces.container import Container
from interfaces.http.app import create_app


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer token-{name}"}


@attrs.define
class Site:
    """A container, its HTTP client and the manual's staff, on one store."""

    container: Container
    clock: FixedClock
    staff: dict[str, User]
    client: TestClient

    @property
    def app(self) -> Any:
        return self.container.app

    def xx_keji(self) -> UUID:
        deal_id = uuid.uuid4()
        run(self.app, self.clock, xx_keji_steps(self.app, self.staff, deal_id))
        self.clock.set(date(2024, 6, 1))
        return deal_id

    def open_deal(self, rep: str = "zhangsan") -> UUID:
        deal_id = uuid.uuid4()
        self.app.open_deal(self.staff[rep], deal_id=deal_id, customer=Customer(
            name="某客户", address="某地", business="某业务", needs="某需求"),
            contacts=[Contact("陈总", "技术总监", True, "138")], source="website",
            referrer=None)
        return deal_id

    def follow_up(self, deal_id: UUID, rep: str = "zhangsan", **extra: Any) -> Any:
        return self.app.log_follow_up(
            self.staff[rep], deal_id, channel="phone", contact="陈总", summary="电话沟通",
            feedback="有兴趣", next_step="发送方案", next_step_due=self.clock.today(), **extra)

    def all_events(self, who: str = "auditor") -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.client.get(f"/events?after={after}&limit=1000",
                                   headers=bearer(who)).json()
            if not page["events"]:
                return events
            events += page["events"]
            after = page["next_after"]


def open_site(store_url: str) -> Iterator[Site]:
    """The body of each test module's ``site`` fixture (``store_url`` is parametrized)."""
    clock = FixedClock(date(2024, 6, 1))
    users = UserDirectory()
    container = Container.build(Settings(database_url=store_url), clock, users)
    staff = add_staff(users)
    with TestClient(create_app(container)) as client:
        yield Site(container, clock, staff, client)
    container.close()


@attrs.define
class LiveServer:
    """The API on a real socket (uvicorn in a thread), for streaming clients."""

    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(container: Container) -> LiveServer:
    config = uvicorn.Config(create_app(container), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 10)
    return LiveServer(server, thread)


def wait_for(condition: Callable[[], Any], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            msg = f"not true within {seconds}s"
            raise AssertionError(msg)
        time.sleep(0.02)
