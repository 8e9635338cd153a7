"""Webhooks (SPEC §8): subscriptions and a delivery worker.

Each subscription has one cursor (a log position) and delivers matching events one at a
time in log order, so events of one deal always arrive in order. A failing delivery
blocks its subscription and is retried with exponential backoff until it succeeds or,
after ``max_attempts``, is dead-lettered; then the cursor moves on. The cursor advances
only after a delivery's answer, so delivery is at least once. A short lease on the
subscription row keeps two worker processes from delivering the same subscription.
State lives in SQL tables beside the event store (``application.sql.make_engine``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from application import access
from application.errors import DealNotFoundError, InvalidInputError
from application.feed import Feed
from application.sql import Connections, make_engine
from application.users import User

log = logging.getLogger(__name__)


class SubscriptionNotFoundError(DealNotFoundError):
    """An unknown subscription id in the URL path: a 404 like any path id."""

SUBSCRIBE_ROLES = ("integration", "admin")
metadata = MetaData()
subscriptions = Table(
    "webhook_subscriptions", metadata,
    Column("id", String(36), primary_key=True),
    Column("url", Text, nullable=False),
    Column("types", JSON, nullable=False),
    Column("secret", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("cursor", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("delivered", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", Float, nullable=False),
    Column("lease_until", Float, nullable=False),
)
dead_letters = Table(
    "webhook_dead_letters", metadata,
    Column("no", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("at", Float, nullable=False),
)


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body with the secret>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def matches(types: list[str], event: dict[str, Any]) -> bool:
    """No types: every event. A type is an event name or a full CloudEvents type."""
    name = event["type"].split(".")[2]
    return not types or name in types or event["type"] in types


class Webhooks:
    def __init__(self, feed: Feed, engine: Engine, *, base_delay: float = 1.0,
                 max_delay: float = 300.0, max_attempts: int = 8, poll: float = 0.5,
                 timeout: float = 10.0, lease: float = 60.0) -> None:
        self.feed, self.engine = feed, engine
        self.base_delay, self.max_delay, self.max_attempts = base_delay, max_delay, max_attempts
        self.poll, self.lease = poll, lease
        self.http = httpx.Client(timeout=timeout, follow_redirects=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._db = Connections(engine).use
        metadata.create_all(engine)

    # -- use cases -------------------------------------------------------------------
    def subscribe(self, user: User, url: str, types: list[str], secret: str,
                  after: int | None = None) -> dict[str, Any]:
        """A new subscription; it starts at the log head unless ``after`` is given."""
        access.require_any(user, SUBSCRIBE_ROLES, "subscribing to webhooks")
        check_url(url)
        if not secret:
            raise InvalidInputError("a secret is required", field="secret")
        sid = str(uuid.uuid4())
        start = self.feed.head() if after is None else max(after, 0)
        with self._db(begin=True) as conn:
            conn.execute(insert(subscriptions).values(
                id=sid, url=url, types=list(types), secret=secret, created_by=user.name,
                status="active", cursor=start, attempts=0, delivered=0, last_error=None,
                next_attempt_at=0.0, lease_until=0.0))
        return self.status(user, sid)

    def status(self, user: User, sid: str) -> dict[str, Any]:
        access.require_any(user, SUBSCRIBE_ROLES, "reading webhook subscriptions")
        with self._db() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sid)).first()
            if row is None:
                raise SubscriptionNotFoundError(f"no subscription {sid}", subscription=sid)
            dead = conn.execute(select(dead_letters).where(
                dead_letters.c.subscription_id == sid).order_by(dead_letters.c.no)).all()
        return {"id": row.id, "url": row.url, "types": row.types, "status": row.status,
                "position": row.cursor, "attempts": row.attempts, "delivered": row.delivered,
                "last_error": row.last_error,
                "dead_letters": [{"position": d.position, "id": d.event_id, "type": d.type,
                                  "attempts": d.attempts, "last_error": d.last_error}
                                 for d in dead]}

    def replay(self, user: User, sid: str, start: int) -> dict[str, Any]:
        """Deliver again from position ``start`` (inclusive) onwards."""
        self.status(user, sid)
        with self._db(begin=True) as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.id == sid).values(
                cursor=max(start - 1, 0), attempts=0, status="active", next_attempt_at=0.0))
        return self.status(user, sid)

    # -- delivery --------------------------------------------------------------------
    def run_once(self) -> int:
        """One pass over every due subscription; answers how many deliveries succeeded."""
        now = time.time()
        with self._db() as conn:
            due = conn.execute(select(subscriptions.c.id).where(
                subscriptions.c.next_attempt_at <= now)).scalars().all()
        return sum(self._serve(sid) for sid in due if self._claim(sid))

    def _claim(self, sid: str) -> bool:
        now = time.time()
        with self._db(begin=True) as conn:
            claimed = conn.execute(update(subscriptions).where(
                subscriptions.c.id == sid, subscriptions.c.lease_until <= now).values(
                lease_until=now + self.lease))
        return claimed.rowcount == 1

    def _serve(self, sid: str) -> int:
        delivered = 0
        try:
            while not self._stop.is_set():
                sub = self._row(sid)
                events = self.feed.events(sub.cursor, 100)
                if not events:
                    break
                for event in events:
                    if not matches(sub.types, event):
                        self._advance(sid, event["position"], delivered=False)
                        continue
                    if not self._deliver(sub, event):
                        return delivered
                    delivered += 1
                    sub = self._row(sid)
        finally:
            with self._db(begin=True) as conn:
                conn.execute(update(subscriptions).where(subscriptions.c.id == sid)
                             .values(lease_until=0.0))
        return delivered

    def _row(self, sid: str) -> Any:
        with self._db() as conn:
            return conn.execute(select(subscriptions).where(subscriptions.c.id == sid)).one()

    def _deliver(self, sub: Any, event: dict[str, Any]) -> bool:
        """POST one event; True when it succeeded (or was dead-lettered and passed)."""
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   "X-Dealtrail-Signature": signature(sub.secret, body),
                   "X-Dealtrail-Event-Id": event["id"],
                   "X-Dealtrail-Attempt": str(sub.attempts + 1)}
        try:
            answer = self.http.post(sub.url, content=body, headers=headers)
            error = None if answer.is_success else f"HTTP {answer.status_code}"
        except httpx.HTTPError as e:
            error = f"{type(e).__name__}: {e}"
        if error is None:
            self._advance(sub.id, event["position"], delivered=True)
            return True
        return self._failed(sub, event, error)

    def _advance(self, sid: str, position: int, *, delivered: bool) -> None:
        values: dict[str, Any] = {"cursor": position}
        if delivered:
            values |= {"attempts": 0, "status": "active", "last_error": None,
                       "delivered": subscriptions.c.delivered + 1}
        with self._db(begin=True) as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.id == sid).values(**values))

    def _failed(self, sub: Any, event: dict[str, Any], error: str) -> bool:
        attempts = sub.attempts + 1
        with self._db(begin=True) as conn:
            if attempts >= self.max_attempts:
                conn.execute(insert(dead_letters).values(
                    subscription_id=sub.id, position=event["position"], event_id=event["id"],
                    type=event["type"], attempts=attempts, last_error=error, at=time.time()))
                conn.execute(update(subscriptions).where(subscriptions.c.id == sub.id).values(
                    cursor=event["position"], attempts=0, status="dead_lettered",
                    last_error=error))
                return True
            delay = min(self.base_delay * 2 ** (attempts - 1), self.max_delay)
            conn.execute(update(subscriptions).where(subscriptions.c.id == sub.id).values(
                attempts=attempts, status="retrying", last_error=error,
                next_attempt_at=time.time() + delay))
        return False

    # -- the worker thread -------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the worker outlives a bad pass (e.g. the database restarting)
                log.exception("webhook delivery pass failed; retrying")
            self._stop.wait(self.poll)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.http.close()
        self.engine.dispose()


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError("url must be an absolute http(s) URL", field="url")


def attach(container: Any) -> Webhooks:
    """Hang a webhook worker on ``container.extras["webhooks"]`` (``serve`` starts it).

    ``DEALTRAIL_WEBHOOK_BACKOFF`` (seconds, first retry delay) and
    ``DEALTRAIL_WEBHOOK_MAX_ATTEMPTS`` tune retries."""
    hooks = Webhooks(Feed(container.app),
                     make_engine(container.settings.database_url, "webhooks"),
                     base_delay=float(os.environ.get("DEALTRAIL_WEBHOOK_BACKOFF", "1")),
                     max_attempts=int(os.environ.get("DEALTRAIL_WEBHOOK_MAX_ATTEMPTS", "8")))
    container.extras["webhooks"] = hooks
    return hooks
