"""Reading the read models: filters, access, pagination and the date-dependent columns
(computed for ``as_of``). Answers are JSON-ready: money strings with two places, dates
ISO. A sales rep sees only their own deals; ``integration`` may not read them at all."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import (
    BigInteger,
    Connection,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from application import access
from application.users import User
from domain.base import STAGES
from domain.chain import plain
from domain.policy import Policy
from projections import agenda as ag
from projections import maintenance as mt
from projections import pipeline as pl
from projections import receivables as rv
from projections.approvals import approvals
from projections.base import money
from projections.follow_ups import follow_ups
from projections.runner import Runner

MAX_LIMIT = 1000
MAX_OFFSET = 2**62
Page = tuple[list[dict[str, Any]], int]  # a page of rows, and how many match in all


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
        if not q.user.has(*access.READ_ALL_ROLES):  # one term when both are the owner
            conds.append(table.c.owner == q.user.name if mine is table.c.owner
                         else or_(table.c.owner == q.user.name, mine == q.user.name))
        return conds + ReadModels.filters(table, q)

    @staticmethod
    def filters(table: Table, q: Query) -> list[Any]:
        """``owner`` (on the agenda: whose task it is) and ``customer``."""
        mine = table.c.assignee if "assignee" in table.c else table.c.owner
        conds = []
        if q.owner:
            conds.append(mine == q.owner)
        if q.customer:
            conds.append(table.c.customer.contains(q.customer, autoescape=True))
        return conds

    @staticmethod
    def window(q: Query) -> tuple[int, int]:
        """LIMIT and OFFSET for SQL (an offset past any table is capped to fit its
        integers; the answer still echoes the one asked)."""
        return min(max(q.limit, 1), MAX_LIMIT), min(max(q.offset, 0), MAX_OFFSET)

    def answer(self, q: Query, rows: list[dict[str, Any]], total: int,
               position: int | None) -> dict[str, Any]:
        limit, offset = self.window(q)[0], max(q.offset, 0)
        return {"items": plain(rows), "total": total, "limit": limit, "offset": offset,
                "position": position}

    def paged(self, conn: Connection, table: Table, q: Query, conds: list[Any],
              order: list[Any] | None = None) -> Page:
        """One page in SQL (filters, order, LIMIT/OFFSET) and the matching count: the
        cost follows the page, not the table (primary-key order by default)."""
        limit, offset = self.window(q)
        total = conn.execute(select(func.count()).select_from(table).where(*conds)).scalar()
        found = conn.execute(select(table).where(*conds)
                             .order_by(*(order or table.primary_key.columns))
                             .limit(limit).offset(offset))
        return [dict(r) for r in found.mappings()], int(total or 0)

    def read(self, name: str, q: Query, after: int | None,
             build: Callable[[Connection], Page]) -> dict[str, Any]:
        self.where_check(q)
        self.settle(name, after)
        with self.runner.connect() as conn:  # one read transaction: rows match position
            position = self.runner_position(conn, name)
            rows, total = build(conn)
        return self.answer(q, rows, total, position)

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
        def build(conn: Connection) -> Page:
            rows, total = self.paged(conn, follow_ups, q, self.where(follow_ups, q))
            for r in rows:
                due = r["next_step_due"]
                r["overdue"] = due is not None and due < q.as_of
            return rows, total
        return self.read("follow_ups", q, after, build)

    def approvals(self, q: Query, after: int | None = None, role: str | None = None,
                  status: str | None = None, subject: str | None = None) -> dict[str, Any]:
        c = approvals.c
        extra = [cond for value, cond in ((role, c.role == role), (status, c.status == status),
                                          (subject, c.subject == subject)) if value]

        def build(conn: Connection) -> Page:
            rows, total = self.paged(conn, approvals, q, [*self.where(approvals, q), *extra])
            return [_approval(r) for r in rows], total
        return self.read("approvals", q, after, build)

    def receivables(self, q: Query, after: int | None = None,
                    status: str | None = None) -> dict[str, Any]:
        r = rv.receivables

        def build(conn: Connection) -> Page:
            conds = self.where(r, q) + ([status_is(status, q.as_of)] if status else [])
            rows, total = self.paged(conn, r, q, conds, [r.c.deal_id, r.c.seq])
            return rows_as_of(conn, rows, q.as_of, self.policy), total
        return self.read("receivables", q, after, build)

    def aging(self, q: Query, after: int | None = None) -> dict[str, Any]:
        self.where_check(q)
        self.settle("receivables", after)
        with self.runner.connect() as conn:
            position = self.runner_position(conn, "receivables")
            found = aging(conn, self.where(rv.receivables, q), q.as_of)
        return {**found, "position": position}

    def pipeline(self, q: Query, after: int | None = None) -> dict[str, Any]:
        def build(conn: Connection) -> Page:
            rows, total = self.paged(conn, pl.pipeline, q, self.where(pl.pipeline, q))
            return [_pipeline(r) for r in rows], total
        return self.read("pipeline", q, after, build)

    def pipeline_summary(self, q: Query, after: int | None = None) -> dict[str, Any]:
        self.where_check(q)
        self.settle("pipeline", after)
        p = pl.pipeline
        with self.runner.connect() as conn:
            position = self.runner_position(conn, "pipeline")
            groups = conn.execute(select(p.c.stage, p.c.reached, func.count())
                                  .where(*self.where(p, q)).group_by(p.c.stage, p.c.reached))
            found = summary([(stage, reached, int(n)) for stage, reached, n in groups])
        return {**found, "position": position}

    def agenda(self, q: Query, after: int | None = None,
               role: str | None = None) -> dict[str, Any]:
        a = ag.agenda

        def build(conn: Connection) -> Page:
            extra = [a.c.role == role] if role else []
            order = [a.c.due, *(exact(conn, c) for c in (a.c.deal_id, a.c.task, a.c.ref,
                                                          a.c.role))]
            if q.user.has(*access.READ_ALL_ROLES):
                rows, total = self.paged(conn, a, q, [*self.where(a, q), *extra], order)
            else:
                rows, total = self.agenda_of_rep(conn, q, extra)
            for r in rows:
                r["overdue"] = r["due"] < q.as_of
                r["role"] = r["role"] or None
            return rows, total
        return self.read("agenda", q, after, build)

    def agenda_of_rep(self, conn: Connection, q: Query, extra: list[Any]) -> Page:
        """A rep's agenda: their deals' rows, and rows named for them on other deals,
        as two index-ordered queries merged (an ``OR`` of both would sort them all)."""
        a, me = ag.agenda, q.user.name
        limit, offset = self.window(q)
        self.where_check(q)
        rest = [*self.filters(a, q), *extra]
        parts = [[a.c.owner == me, *rest], [a.c.assignee == me, a.c.owner != me, *rest]]
        total = sum(int(conn.execute(select(func.count()).select_from(a).where(*p)).scalar()
                        or 0) for p in parts)
        order = [literal_column("due"), *(exact(conn, literal_column(c))
                                          for c in ("deal_id", "task", "ref", "role"))]
        found = conn.execute(union_all(*(select(a).where(*p) for p in parts))
                             .order_by(*order).limit(limit).offset(offset))
        return [dict(r) for r in found.mappings()], total

    def maintenance(self, q: Query, after: int | None = None) -> dict[str, Any]:
        """One row per customer: the page of customers in SQL, then the plan of their
        deals (the class needs every signed deal of the customer)."""
        m = mt.maintenance

        def build(conn: Connection) -> Page:
            limit, offset = self.window(q)
            conds = self.where(m, q)
            total = conn.execute(select(func.count(m.c.customer.distinct())).where(*conds))
            customers = [c for (c,) in conn.execute(
                select(m.c.customer).where(*conds).group_by(m.c.customer)
                .order_by(exact(conn, m.c.customer)).limit(limit).offset(offset))]
            rows = [dict(r) for r in conn.execute(
                select(m).where(*conds, m.c.customer.in_(customers)).order_by(m.c.deal_id)
            ).mappings()] if customers else []
            return mt.plan(rows, q.as_of, self.policy), int(total.scalar() or 0)
        return self.read("maintenance", q, after, build)

    def counts(self, conn: Connection, table: Table) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def exact(conn: Connection, column: Any) -> Any:
    """Order text by code point, as Python sorts it (PostgreSQL's default collation
    would not; SQLite's BINARY does)."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


# -- receivables as of a date, in SQL ------------------------------------------------------
def paid_by(as_of: date) -> Any:
    """A milestone is paid as of ``as_of`` when it was paid in full on or before it
    (``paid_on``: the payment day that completed it; what a milestone received never
    shrinks as payments add up), or asks for nothing."""
    r = rv.receivables
    return or_(r.c.amount == "0.00", and_(r.c.paid_on.is_not(None), r.c.paid_on <= as_of))


def status_is(status: str, as_of: date) -> Any:
    """``domain.money.status(due_on, paid, as_of) == status`` as a SQL condition."""
    due, paid = rv.receivables.c.due_on, paid_by(as_of)
    return {"paid": paid, "scheduled": and_(~paid, due.is_(None)),
            "not_due": and_(~paid, due > as_of), "due": and_(~paid, due == as_of),
            "overdue": and_(~paid, due < as_of)}[status]


def rows_as_of(conn: Connection, rows: list[dict[str, Any]], as_of: date,
               policy: Policy) -> list[dict[str, Any]]:
    """The page's rows with their date-dependent columns (``rv.row_as_of``), reading
    the allocations of the page's deals only."""
    a = rv.allocations
    ids = sorted({r["deal_id"] for r in rows})
    received: dict[tuple[str, int], tuple[str, date | None]] = {}
    if ids:
        steps = conn.execute(select(a).where(a.c.deal_id.in_(ids), a.c.from_date <= as_of)
                             .order_by(a.c.from_date)).mappings()
        for s in steps:  # later dates overwrite earlier ones
            received[(s["deal_id"], s["seq"])] = (s["received"], s["paid_on"])
    return [rv.row_as_of(r, received.get((r["deal_id"], r["seq"]), ("0.00", None)),
                         as_of, policy) for r in rows]


def cents(money_text: Any) -> Any:
    """A two-place money string as integer cents, exactly, in SQL ("1234.50" → 123450)."""
    return cast(func.replace(money_text, ".", ""), BigInteger)


def aging(conn: Connection, where: list[Any], as_of: date) -> dict[str, Any]:
    """``rv.aging`` in one aggregate query: unpaid milestones' outstanding cents summed
    per bucket of days overdue (bucket edges as dates, so no date arithmetic in SQL)."""
    r, a = rv.receivables, rv.allocations
    then = (select(a.c.received).where(a.c.deal_id == r.c.deal_id, a.c.seq == r.c.seq,
                                       a.c.from_date <= as_of)
            .order_by(a.c.from_date.desc()).limit(1).scalar_subquery())
    # the allocations are read only for deals paid after as_of
    got = case((r.c.last_payment_on.is_(None), "0.00"),
               (r.c.last_payment_on <= as_of, r.c.received_total), else_=then)
    bucket = case((r.c.due_on.is_(None), "current"), (r.c.due_on >= as_of, "current"),
                  (r.c.due_on >= as_of - timedelta(days=30), "1-30"),
                  (r.c.due_on >= as_of - timedelta(days=60), "31-60"),
                  (r.c.due_on >= as_of - timedelta(days=90), "61-90"), else_="90+")
    outstanding = func.sum(cents(r.c.amount) - cents(func.coalesce(got, "0.00")))
    found = dict(conn.execute(select(bucket, outstanding).where(*where, ~paid_by(as_of))
                              .group_by(bucket)).all())
    totals = {k: Decimal(int(found.get(k) or 0)) / 100 for k in rv.BUCKETS}
    return {"as_of": as_of.isoformat(), "buckets": {k: money(v) for k, v in totals.items()},
            "total_outstanding": money(sum(totals.values(), Decimal(0)))}


def summary(groups: list[tuple[str, str, int]]) -> dict[str, Any]:
    """``pl.summary`` from (stage, reached, count) groups rather than every row."""
    counts = {stage: 0 for stage in (*STAGES, "lost")}
    reached = dict.fromkeys(STAGES, 0)
    for stage, stages, n in groups:
        counts[stage] += n
        for s in set(stages.split(",")) & set(STAGES):
            reached[s] += n
    conversion = []
    for here, there in itertools.pairwise(STAGES):
        rate = None if reached[here] == 0 else money(Decimal(100 * reached[there]) / reached[here])
        conversion.append({"from": here, "to": there, "entered": reached[here],
                           "advanced": reached[there], "rate": rate})
    return {"total": sum(counts.values()), "counts": counts, "reached": reached,
            "conversion": conversion}


def _approval(r: dict[str, Any]) -> dict[str, Any]:
    r["sequential"] = bool(r["sequential"])
    return r


def _pipeline(r: dict[str, Any]) -> dict[str, Any]:
    r["reached"] = r["reached"].split(",")
    r["risk_reasons"] = [x for x in r["risk_reasons"].split(";") if x]
    return r
