"""Idempotency keys (SPEC §5): the first answer to a key, kept durably so that a client
retrying after a timeout, or after a restart of the server, gets that same answer and
nothing is appended twice.

A key is scoped to (user, method, path). The store holds the sha-256 of the body that
first used it; another body under the same key is an error, never a silent replay.
While the first request runs, the key is reserved (a row without an answer); a retry
arriving meanwhile is told so (409), and a reservation older than ``stale_after``
seconds (its process died) may be taken over.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import attrs
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from application.errors import ApplicationError, InvalidInputError

metadata = MetaData()
keys = Table(
    "idempotency_keys", metadata,
    Column("scope_sha256", String(64), primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("method", String(10), nullable=False),
    Column("path", String(2000), nullable=False),
    Column("key", String(200), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("status", Integer, nullable=True),  # NULL while the first request runs
    Column("answer", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
MAX_KEY_LENGTH = 200


class IdempotencyKeyReusedError(InvalidInputError):
    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyKeyInFlightError(ApplicationError):
    code = "IDEMPOTENCY_KEY_IN_FLIGHT"


@attrs.frozen
class Scope:
    user: str
    method: str
    path: str
    key: str

    @property
    def digest(self) -> str:
        text = f"{self.user}\x00{self.method}\x00{self.path}\x00{self.key}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@attrs.frozen
class Answer:
    status: int
    body: bytes


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class IdempotencyKeys:
    def __init__(self, engine: Engine, stale_after: float = 60.0) -> None:
        self.engine = engine
        self.stale_after = timedelta(seconds=stale_after)
        metadata.create_all(engine)

    def begin(self, scope: Scope, body_sha256: str) -> Answer | None:
        """The stored answer to replay, or None when the caller now holds the key."""
        if len(scope.key) > MAX_KEY_LENGTH or not scope.key.strip():
            raise InvalidInputError("Idempotency-Key is 1 to 200 characters",
                                    field="Idempotency-Key")
        if self._reserve(scope, body_sha256):
            return None
        row = self._row(scope)
        if row is None:  # released between our insert and our read: try once more
            return None if self._reserve(scope, body_sha256) else self.begin(scope, body_sha256)
        if row.body_sha256 != body_sha256:
            raise IdempotencyKeyReusedError(
                "this Idempotency-Key was used with another body", field="Idempotency-Key")
        if row.status is not None:
            return Answer(row.status, row.answer or b"")
        if self._take_over_stale(scope, row.created_at):
            return None
        raise IdempotencyKeyInFlightError("a request with this Idempotency-Key is running",
                                          field="Idempotency-Key")

    def finish(self, scope: Scope, answer: Answer) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(keys).where(keys.c.scope_sha256 == scope.digest)
                         .values(status=answer.status, answer=answer.body))

    def release(self, scope: Scope) -> None:
        """Forget a reservation whose request failed unexpectedly, so it may be retried."""
        with self.engine.begin() as conn:
            conn.execute(delete(keys).where(keys.c.scope_sha256 == scope.digest,
                                            keys.c.status.is_(None)))

    def close(self) -> None:
        self.engine.dispose()

    def _reserve(self, scope: Scope, body_sha256: str) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(keys).values(
                    scope_sha256=scope.digest, user_name=scope.user[:200],
                    method=scope.method, path=scope.path[:2000], key=scope.key,
                    body_sha256=body_sha256, status=None, answer=None, created_at=_now()))
        except IntegrityError:
            return False
        return True

    def _row(self, scope: Scope):  # type: ignore[no-untyped-def]  # a SQLAlchemy Row
        with self.engine.connect() as conn:
            return conn.execute(select(keys).where(keys.c.scope_sha256 == scope.digest)).first()

    def _take_over_stale(self, scope: Scope, created_at: datetime) -> bool:
        if created_at.tzinfo is None:  # SQLite gives naive datetimes back
            created_at = created_at.replace(tzinfo=UTC)
        if _now() - created_at < self.stale_after:
            return False
        with self.engine.begin() as conn:
            taken = conn.execute(update(keys).where(
                keys.c.scope_sha256 == scope.digest, keys.c.status.is_(None),
                keys.c.created_at < _now() - self.stale_after).values(created_at=_now()))
        return taken.rowcount == 1


def _now() -> datetime:
    return datetime.now(UTC)
