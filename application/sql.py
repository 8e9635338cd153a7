"""SQLAlchemy engines for the tables beside the event store (read models, idempotency
keys, subscriptions), made from the one ``DEALTRAIL_DATABASE_URL``.

SQLite: a sibling file in the events' folder (``var/dealtrail-<name>.db``), so a long
read-model transaction never holds the event store's lock. PostgreSQL: the same
database (and the ``?schema=`` of the URL, if any, as the search path).
``memory://`` gives a private in-memory SQLite database shared by one engine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool


class Connections:
    """``use()`` a connection (``begin=True``: in a transaction) of an engine. On the
    in-memory database every thread shares one connection, and a thread closing its use
    rolls back another's open transaction, so there uses take turns (re-entrant)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._turns = threading.RLock() if isinstance(engine.pool, StaticPool) else None

    @contextmanager
    def use(self, begin: bool = False) -> Iterator[Connection]:
        with self._turns or nullcontext(), (
                self.engine.begin() if begin else self.engine.connect()) as conn:
            yield conn


def make_engine(database_url: str, name: str) -> Engine:
    parts = urlsplit(database_url)
    if parts.scheme == "memory":
        return create_engine("sqlite://", poolclass=StaticPool,
                             connect_args={"check_same_thread": False})
    if parts.scheme == "sqlite":
        events = Path(unquote(parts.path.removeprefix("/")))
        path = events.with_name(f"{events.stem}-{name}.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
    url = database_url.split("?")[0]
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    connect_args = {}
    if "schema" in query:
        connect_args["options"] = f"-csearch_path={query['schema']}"
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True,
                         pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
