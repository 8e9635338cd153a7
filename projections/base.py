"""What every read model shares: the tracking table (one row per read model, its log
position), the ``Projection`` base class, the deal cache handlers read state from, and
column helpers (money as two-place strings, so SQLite and PostgreSQL store the same
text and a checksum compares them exactly).

A projection's handler runs inside the runner's transaction, which also writes the
projection's new position: rows and position commit together or not at all.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
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

    def flush(self, conn: Connection) -> None:
        """The batch's last event was handled; write anything deferred, in the same
        transaction (before the position)."""

    @property
    def tables(self) -> list[Table]:
        return list(self.metadata.sorted_tables)

    def create(self, conn: Connection) -> None:
        self.metadata.create_all(conn)

    def drop(self, conn: Connection) -> None:
        self.metadata.drop_all(conn)


class Rebuilt(Projection):
    """A read model whose rows for a deal are a pure function of the deal's state:
    a relevant event marks the deal, and at the end of the batch the deal's rows are
    replaced once, from its state after the batch's last event (idempotent and
    order-free, so a rebuild gives the same rows by construction)."""

    table: Table
    #: Event type names that can change the rows (None: every event).
    events: frozenset[str] | None = None

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        raise NotImplementedError

    def begin_batch(self) -> None:
        self.dirty: dict[str, Deal] = {}

    def handle(self, conn: Connection, event: Any, deal: Deal) -> None:
        if self.events is None or type(event).__name__ in self.events:
            self.dirty[str(deal.id)] = deal  # the latest object: the cache may reload it

    def flush(self, conn: Connection) -> None:
        if not self.dirty:
            return
        conn.execute(delete(self.table).where(self.table.c.deal_id.in_(list(self.dirty))))
        rows = [row for deal in self.dirty.values() for row in self.rows(deal)]
        if rows:
            conn.execute(self.table.insert(), rows)
        self.dirty = {}


class DealCache:
    """The deal as it was right after each event, without reloading it every time: the
    cached deal is advanced by the next event; anything else (a gap, a retried batch, a
    rebuild from the start) reloads it from the repository at that version."""

    def __init__(self, app: Any, size: int = 2000) -> None:
        self.app, self.size = app, size
        self.deals: OrderedDict[UUID, Deal] = OrderedDict()

    def after(self, event: Any) -> Deal:
        key, version = event.originator_id, event.originator_version
        deal = self.deals.get(key)
        if deal is not None and deal.version == version:
            return deal
        if deal is not None and deal.version == version - 1:
            event.mutate(deal)
        else:
            deal = self.app.repository.get(key, version=version)
        self.deals[key] = deal
        self.deals.move_to_end(key)
        if len(self.deals) > self.size:
            self.deals.popitem(last=False)
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
