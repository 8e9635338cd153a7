"""Reading the read models: filters, access, pagination and the date-dependent columns
(computed for ``as_of``). Answers are JSON-ready: money strings with two places, dates
ISO. A sales rep sees only their own deals; ``integration`` may not read them at all."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Table, func, or_, select

from application import access
from application.users import User
from domain.chain import plain
from domain.policy import Policy
from projections import agenda as ag
from projections import maintenance as mt
from projections import pipeline as pl
from projections import receivables as rv
from projections.approvals import approvals
from projections.follow_ups import follow_ups
from projections.runner import Runner

MAX_LIMIT = 1000


@attrs.frozen
class Query:
    """What every list accepts."""

    user: User
    as_of: date
    owner: str | None = None
    customer: str | None = None
    limit: int = 100
    offset: int = 0


class ReadModels:
    def __init__(self, runner: Runner, policy: Policy) -> None:
        self.runner, self.policy = runner, policy

    # -- the shared frame ----------------------------------------------------------------
    def settle(self, name: str, after: int | None, timeout: float = 5.0) -> int:
        """Wait (at most ``timeout``) until the read model reached ``after``, else the
        log head now; answer the position it reached."""
        target = after if after is not None else self.runner.head()
        return self.runner.wait_for(target, timeout, name=name)

    @staticmethod
    def where(table: Table, q: Query) -> list[Any]:
        """Access and the shared filters. On the agenda, ``owner`` is whose task it is
        (the deal's owner or a named item owner), and a rep sees both kinds."""
        access.require_any(q.user, (*access.READ_ALL_ROLES, "sales_rep"), "reading read models")
        mine = table.c.assignee if "assignee" in table.c else table.c.owner
        conds = []
        if not q.user.has(*access.READ_ALL_ROLES):
            conds.append(or_(table.c.owner == q.user.name, mine == q.user.name))
        if q.owner:
            conds.append(mine == q.owner)
        if q.customer:
            conds.append(table.c.customer.contains(q.customer, autoescape=True))
        return conds

    def page(self, name: str, q: Query, rows: list[dict[str, Any]],
             after: int | None, position: int | None = None) -> dict[str, Any]:
        del name, after
        limit = min(max(q.limit, 1), MAX_LIMIT)
        offset = max(q.offset, 0)
        return {"items": plain(rows[offset:offset + limit]), "total": len(rows),
                "limit": limit, "offset": offset, "position": position}

    def rows(self, conn: Connection, table: Table, q: Query, *extra: Any) -> list[dict[str, Any]]:
        order = list(table.primary_key.columns)
        found = conn.execute(select(table).where(*self.where(table, q), *extra).order_by(*order))
        return [dict(r) for r in found.mappings()]

    def read(self, name: str, q: Query, after: int | None, build: Any) -> dict[str, Any]:
        self.where_check(q)
        self.settle(name, after)
        with self.runner.connect() as conn:
            position = self.runner_position(conn, name)
            rows = build(conn)
        return self.page(name, q, rows, after, position)

    @staticmethod
    def where_check(q: Query) -> None:
        access.require_any(q.user, (*access.READ_ALL_ROLES, "sales_rep"), "reading read models")

    @staticmethod
    def runner_position(conn: Connection, name: str) -> int:
        from projections.base import positions
        found = conn.execute(select(positions.c.position).where(positions.c.name == name))
        return int(found.scalar() or 0)

    # -- the read models ----------------------------------------------------------------
    def follow_ups(self, q: Query, after: int | None = None) -> dict[str, Any]:
        def build(conn: Connection) -> list[dict[str, Any]]:
            rows = self.rows(conn, follow_ups, q)
            for r in rows:
                due = r["next_step_due"]
                r["overdue"] = due is not None and due < q.as_of
            return rows
        return self.read("follow_ups", q, after, build)

    def approvals(self, q: Query, after: int | None = None, role: str | None = None,
                  status: str | None = None, subject: str | None = None) -> dict[str, Any]:
        c = approvals.c
        extra = [cond for value, cond in ((role, c.role == role), (status, c.status == status),
                                          (subject, c.subject == subject)) if value]
        return self.read("approvals", q, after,
                         lambda conn: [_approval(r) for r in self.rows(conn, approvals, q, *extra)])

    def receivables(self, q: Query, after: int | None = None,
                    status: str | None = None) -> dict[str, Any]:
        def build(conn: Connection) -> list[dict[str, Any]]:
            rows = rv.as_of_rows(conn, self.where(rv.receivables, q), q.as_of, self.policy)
            return [r for r in rows if status is None or r["status"] == status]
        return self.read("receivables", q, after, build)

    def aging(self, q: Query, after: int | None = None) -> dict[str, Any]:
        self.where_check(q)
        self.settle("receivables", after)
        with self.runner.connect() as conn:
            position = self.runner_position(conn, "receivables")
            rows = rv.as_of_rows(conn, self.where(rv.receivables, q), q.as_of, self.policy)
        return {**rv.aging(rows, q.as_of), "position": position}

    def pipeline(self, q: Query, after: int | None = None) -> dict[str, Any]:
        return self.read("pipeline", q, after,
                         lambda conn: [_pipeline(r) for r in self.rows(conn, pl.pipeline, q)])

    def pipeline_summary(self, q: Query, after: int | None = None) -> dict[str, Any]:
        self.where_check(q)
        self.settle("pipeline", after)
        with self.runner.connect() as conn:
            position = self.runner_position(conn, "pipeline")
            rows = self.rows(conn, pl.pipeline, q)
        return {**pl.summary(rows), "position": position}

    def agenda(self, q: Query, after: int | None = None,
               role: str | None = None) -> dict[str, Any]:
        def build(conn: Connection) -> list[dict[str, Any]]:
            extra = [ag.agenda.c.role == role] if role else []
            rows = self.rows(conn, ag.agenda, q, *extra)
            rows.sort(key=lambda r: (r["due"], r["deal_id"], r["task"], r["ref"], r["role"]))
            for r in rows:
                r["overdue"] = r["due"] < q.as_of
                r["role"] = r["role"] or None
            return rows
        return self.read("agenda", q, after, build)

    def maintenance(self, q: Query, after: int | None = None) -> dict[str, Any]:
        return self.read("maintenance", q, after,
                         lambda conn: mt.plan(self.rows(conn, mt.maintenance, q), q.as_of,
                                              self.policy))

    def counts(self, conn: Connection, table: Table) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _approval(r: dict[str, Any]) -> dict[str, Any]:
    r["sequential"] = bool(r["sequential"])
    return r


def _pipeline(r: dict[str, Any]) -> dict[str, Any]:
    r["reached"] = r["reached"].split(",")
    r["risk_reasons"] = [x for x in r["risk_reasons"].split(";") if x]
    return r
