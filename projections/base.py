"""What every read model shares: the tracking table (one row per read model, its log
position), the ``Projection`` base class, the deal cache handlers read state from, and
column helpers (money as two-place strings, so SQLite and PostgreSQL store the same
text and a checksum compares them exactly).

A projection's handler runs inside the runner's transaction, which also writes the
projection's new position: rows and position commit together or not at all.
"""

from __future__ import annotations

import hashlib
import operator
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, delete, select

from domain.deal import Deal
from domain.money import cents

tracking_metadata = MetaData()
positions = Table(
    "projection_positions", tracking_metadata,
    Column("name", String(40), primary_key=True),
    Column("position", Integer, nullable=False),
)
#: Each read model's table layout when its rows were written (``Projection.layout``): a
#: read model whose tables changed since is rebuilt from the log when a runner starts.
layouts = Table(
    "projection_layouts", tracking_metadata,
    Column("name", String(40), primary_key=True),
    Column("layout", String(64), nullable=False),
)


def money(value: Decimal | None) -> str | None:
    """Money as stored and answered: a decimal string with two places."""
    return None if value is None else f"{cents(value):.2f}"


def deal_columns(key: bool = True) -> list[Column[Any]]:
    """The columns every read model row keeps about its deal (for filters and access);
    ``deal_id`` is part of the primary key unless ``key`` is false."""
    return [Column("deal_id", String(36), primary_key=key, nullable=False, index=True),
            Column("customer", String(200), nullable=False),
            Column("owner", String(200), nullable=False, index=True)]


def deal_values(deal: Deal) -> dict[str, str]:
    return {"deal_id": str(deal.id), "customer": deal.customer.name, "owner": deal.owner}


class Projection:
    """One read model: its tables and how an event (with the deal after it) changes them."""

    name: str = ""
    metadata: MetaData

    def handle(self, conn: Connection, event: Any, deal: Deal) -> None:
        raise NotImplementedError

    def begin_batch(self) -> None:
        """A batch starts (in a new transaction)."""

    def prepare(self, conn: Connection, notifications: list[Any]) -> None:
        """Before ``handle``: the notifications (not yet decoded) of every event of the
        batch this read model will be given, in order, so it can load what the batch
        needs in a few queries rather than per event."""

    def flush(self, conn: Connection) -> None:
        """The batch's last event was handled; write anything deferred, in the same
        transaction (before the position)."""

    @property
    def tables(self) -> list[Table]:
        return list(self.metadata.sorted_tables)

    @property
    def layout(self) -> str:
        """sha256 of the tables' columns (name, type, nullable, key) and indexes."""
        parts = [(t.name, [(c.name, str(c.type), c.nullable, c.primary_key) for c in t.columns],
                  sorted((i.name or "", [c.name for c in i.columns]) for i in t.indexes))
                 for t in self.tables]
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    def create(self, conn: Connection) -> None:
        self.metadata.create_all(conn)

    def drop(self, conn: Connection) -> None:
        self.metadata.drop_all(conn)


class Rebuilt(Projection):
    """A read model whose rows for a deal are a pure function of the deal's state:
    a relevant event marks the deal, and at the end of the batch the deal's rows are
    replaced once, from its state after the batch's last event (idempotent and
    order-free, so a rebuild gives the same rows by construction).

    The runner hands it the batch's touched deals at once (``touch``) rather than event
    by event; ``handle`` does the same for one event."""

    table: Table
    #: Event type names that can change the rows (None: every event).
    events: frozenset[str] | None = None

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        raise NotImplementedError

    def begin_batch(self) -> None:
        self.dirty: dict[UUID, Deal] = {}
        self.fresh: set[UUID] = set()  # deals opened within the batch: no rows stored yet

    def handle(self, conn: Connection, event: Any, deal: Deal) -> None:
        if event.originator_version == 1:
            self.fresh.add(deal.id)
        if self.events is None or type(event).__name__ in self.events:
            self.dirty[deal.id] = deal  # the latest object: the cache may reload it

    def touch(self, touched: Touched) -> None:
        """The batch's events (those past this read model's position), by deal."""
        relevant = self.events
        for key, kinds in touched.kinds.items():
            if relevant is None or not relevant.isdisjoint(kinds):
                self.dirty[key] = touched.deals[key]
        self.fresh |= touched.opened

    def flush(self, conn: Connection) -> None:
        if self.dirty:
            stale = [str(key) for key in self.dirty if key not in self.fresh]
            self.write(conn, list(self.dirty.values()), stale)
        self.begin_batch()

    def write(self, conn: Connection, deals: list[Deal], stale: list[str]) -> None:
        """Replace the rows of ``deals``; only the ``stale`` ids can have rows stored."""
        replace(conn, self.table, stale, [row for deal in deals for row in self.rows(deal)])


class Touched:
    """What a batch's events did, by deal: the deal after its last event in the batch
    (the latest object: the cache may have reloaded it), the event type names seen, and
    the deals the batch opened."""

    def __init__(self) -> None:
        self.deals: dict[UUID, Deal] = {}
        self.kinds: dict[UUID, set[str]] = {}
        self.opened: set[UUID] = set()

    def add(self, event: Any, deal: Deal) -> None:
        key = event.originator_id
        self.deals[key] = deal
        kinds = self.kinds.get(key)
        if kinds is None:
            kinds = self.kinds[key] = set()
            if event.originator_version == 1:
                self.opened.add(key)
        kinds.add(type(event).__name__)


CHUNK = 500  # ids per ``IN (…)``


def replace(conn: Connection, table: Table, deal_ids: list[str],
            rows: list[dict[str, Any]]) -> None:
    """Delete the deals' rows, then insert ``rows`` (one ``executemany``)."""
    for i in range(0, len(deal_ids), CHUNK):
        conn.execute(delete(table).where(table.c.deal_id.in_(deal_ids[i:i + CHUNK])))
    insert_rows(conn, table, rows)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``conn.execute(table.insert(), rows)`` with the per-row work done once: the
    statement compiled once per dialect, each column's bind processor looked up once,
    and the driver's ``executemany`` given plain tuples (a key a row lacks is NULL)."""
    if not rows:
        return
    sql, names, processors = _compiled_insert(table, conn.dialect)
    if not all(len(row) == len(names) for row in rows):  # a row lacks a key: it is NULL
        rows = [{name: row.get(name) for name in names} for row in rows]
    values = operator.itemgetter(*names)
    todo = [(i, proc) for i, name in enumerate(names) if (proc := processors.get(name))]
    params: list[Any] = []
    for row in rows:
        got = values(row)
        if todo:
            got = list(got)
            for i, proc in todo:
                if got[i] is not None:
                    got[i] = proc(got[i])
        params.append(tuple(got) if conn.dialect.positional
                      else dict(zip(names, got, strict=True)))
    conn.exec_driver_sql(sql, params)


_inserts: dict[tuple[str, str, int], tuple[str, list[str], dict[str, Any]]] = {}


def _compiled_insert(table: Table, dialect: Any) -> tuple[str, list[str], dict[str, Any]]:
    key = (table.name, dialect.name, id(table))
    found = _inserts.get(key)
    if found is None:
        compiled = table.insert().compile(dialect=dialect)
        names = (list(compiled.positiontup or []) if dialect.positional
                 else [c.key for c in table.columns])
        processors = {c.key: c.type.dialect_impl(dialect).bind_processor(dialect)
                      for c in table.columns}
        found = _inserts[key] = (str(compiled), names, {k: p for k, p in processors.items()
                                                         if p is not None})
    return found


class DealCache:
    """The deal as it was right after each event, without reloading it every time: the
    cached deal is advanced by the next event; anything else (a gap, a retried batch, a
    rebuild from the start) reloads it from the repository at that version."""

    def __init__(self, app: Any, size: int = 2000) -> None:
        self.app, self.size = app, size
        self.deals: OrderedDict[UUID, Deal] = OrderedDict()

    def after(self, event: Any) -> Deal:
        key, version = event.originator_id, event.originator_version
        deals = self.deals
        deal = deals.get(key)
        if deal is not None and deal.version == version - 1:
            event.mutate(deal)
            deals.move_to_end(key)
            return deal
        if deal is not None and deal.version == version:
            deals.move_to_end(key)
            return deal
        if version == 1:  # the creation event: what the repository would replay
            deal = cast(Deal, event.mutate(None))
        else:
            deal = cast(Deal, self.app.repository.get(key, version=version))
        deals[key] = deal
        if len(deals) > self.size:
            deals.popitem(last=False)
        return deal

    def clear(self) -> None:
        self.deals.clear()


def read_positions(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    stored = dict(conn.execute(select(positions.c.name, positions.c.position)).all())
    return {name: int(stored.get(name, 0)) for name in names}


def checksum(conn: Connection, projection: Projection) -> str:
    """sha256 over every row of the read model's tables in primary-key order (the
    tracking row excluded): equal checksums mean identical tables."""
    digest = hashlib.sha256()
    for table in projection.tables:
        order = list(table.primary_key.columns) or list(table.columns)
        digest.update(table.name.encode())
        for row in conn.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(_plain(v) for v in row)).encode())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    return str(value) if value is not None else None
