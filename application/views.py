"""Read views of one deal: pure functions from a ``Deal`` to JSON-ready dicts (money as
strings with two places, dates ISO), and the plain list of deals a user may read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from application import access
from application.users import User
from domain.chain import plain
from domain.deal import Deal
from domain.money import cents

#: Keys whose values are money wherever they appear in a deal's state.
MONEY_KEYS = frozenset({"annual_revenue", "unit_price", "discount", "floor_price", "total",
                        "amount", "received", "min", "max", "amount_delta", "late_penalty",
                        "outstanding"})


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{cents(value):.2f}"


def jsonable(value: Any, key: str = "") -> Any:
    """``plain`` with money keys formatted to two places."""
    if key in MONEY_KEYS and isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, key) for v in value]
    if not isinstance(value, (str, bool, int, Decimal, date)) and value is not None \
            and hasattr(value, "__attrs_attrs__"):
        return jsonable({a.name: getattr(value, a.name) for a in value.__attrs_attrs__})
    return plain(value)


def deal_state(deal: Deal, as_of: date, position: int) -> dict[str, Any]:
    """The whole state of a deal (SPEC §4.8), receivables as of ``as_of``."""
    state = {
        "deal_id": deal.id, "version": deal.version, "stage": deal.stage,
        "stage_history": deal.stage_history, "owner": deal.owner, "currency": deal.currency,
        "source": deal.source, "referrer": deal.referrer, "customer": deal.customer,
        "contacts": list(deal.contacts.values()), "grade": deal.current_grade,
        "grades": deal.grades, "follow_ups": deal.follow_ups, "commitments": deal.commitments,
        "survey": deal.survey, "proposals": list(deal.proposals.values()),
        "contract": _contract(deal), "order": deal.order, "deliveries": deal.deliveries,
        "delays": deal.delays, "delivery_due": deal.delivery_due,
        "acceptance": deal.acceptance, "warranty_ends": deal.warranty_ends,
        "payments": deal.payments, "amount": deal.amount, "received": deal.received,
        "outstanding": deal.amount - deal.received, "changes": deal.changes,
        "complaints": deal.complaints, "documents": deal.documents,
        "tasks_done": deal.tasks_done, "lost": deal.lost,
        "receivables": deal.receivables(as_of), "late_penalty": deal.late_penalty(as_of),
        "as_of": as_of, "head_hash": deal.head_hash, "position": position,
    }
    return jsonable(state)  # type: ignore[no-any-return]  # jsonable keeps a dict a dict


def _contract(deal: Deal) -> dict[str, Any] | None:
    if deal.contract is None:
        return None
    return {**deal.contract, "signature": deal.signature}


def deal_summary(deal: Deal) -> dict[str, Any]:
    """One row of ``GET /deals``."""
    row = {"deal_id": deal.id, "version": deal.version, "customer": deal.customer.name,
           "owner": deal.owner, "stage": deal.stage, "grade": deal.current_grade,
           "amount": deal.amount if deal.is_signed else None, "currency": deal.currency}
    return jsonable(row)  # type: ignore[no-any-return]  # jsonable keeps a dict a dict


def list_deals(app: Any, user: User, *, owner: str | None, customer: str | None,
               limit: int, offset: int, index: Any = None) -> dict[str, Any]:
    """Deals the user may read, oldest first, filtered by owner and customer name; a
    sales rep sees only their own deals.

    With ``index`` (the projections' runner) the page comes from the ``deals`` read
    model plus the log beyond its position (``DealIndex``): a few queries whatever the
    number of deals. Without it, or when the read model is far behind, every deal is
    replayed from the log."""
    access.require_any(user, (*access.READ_ALL_ROLES, "sales_rep"), "reading deals")
    position = app.recorder.max_notification_id() or 0
    if index is not None:
        found = DealIndex(app, index).page(user, owner, customer, limit, offset, position)
        if found is not None:
            return found
    opened = app.recorder.select_notifications(start=1, limit=10**9, stop=position,
                                               topics=["domain.events:DealOpened"])
    rows = []
    for notification in opened:
        deal = app.load(notification.originator_id)
        if not _listed(user, deal, owner, customer):
            continue
        rows.append(deal)
    items = [deal_summary(d) for d in rows[offset:offset + limit]]
    return {"items": items, "total": len(rows), "limit": limit, "offset": offset,
            "position": position}


def _listed(user: User, deal: Deal, owner: str | None, customer: str | None) -> bool:
    if not access.can_read(user, deal.owner) or (owner and deal.owner != owner):
        return False
    return not customer or customer in deal.customer.name


class DealIndex:
    """``GET /deals`` from the ``deals`` read model at its position P, corrected by the
    log after P: deals touched there are replayed and merged in by their opening time,
    so the answer is the log's at ``position`` (read your writes) without waiting for
    the projections. A tail longer than ``MAX_TAIL`` (a rebuild under way, a stopped
    worker) gives up: the caller replays every deal."""

    MAX_TAIL = 1000

    def __init__(self, app: Any, runner: Any) -> None:
        self.app, self.runner = app, runner

    def page(self, user: User, owner: str | None, customer: str | None, limit: int,
             offset: int, position: int) -> dict[str, Any] | None:
        from sqlalchemy import func, select

        from projections.base import positions
        from projections.deals import deals, order_key

        with self.runner.connect() as conn:  # one read transaction: rows match P
            at = conn.execute(select(positions.c.position)
                              .where(positions.c.name == "deals")).scalar()
            if at is None:
                return None
            tail = self.tail(int(at), position)
            if tail is None:
                return None
            touched = [self._row(self.app.load(deal_id)) for deal_id in tail]
            extra = [r for r in touched if _row_listed(user, r, owner, customer)]
            extra.sort(key=order_key)
            conds = self.where(deals, user, owner, customer, [str(d) for d in tail],
                               conn.dialect.name)
            total = conn.execute(select(func.count()).select_from(deals).where(*conds)).scalar()
            # where each tail deal falls among the indexed ones (few: one count each)
            ranks = [int(conn.execute(select(func.count()).select_from(deals).where(
                *conds, (deals.c.opened_at < r["opened_at"]) | (
                    (deals.c.opened_at == r["opened_at"]) & (deals.c.deal_id < r["deal_id"])))
            ).scalar() or 0) + i for i, r in enumerate(extra)]
            mine = [r for r, rank in zip(extra, ranks, strict=True)
                    if offset <= rank < offset + limit]
            before = sum(1 for rank in ranks if rank < offset)
            found = conn.execute(select(deals).where(*conds)
                                 .order_by(deals.c.opened_at, deals.c.deal_id)
                                 .offset(offset - before).limit(limit - len(mine))).mappings()
            rows = sorted([*(dict(r) for r in found), *mine], key=order_key)
        return {"items": [_summary(r) for r in rows], "total": int(total or 0) + len(extra),
                "limit": limit, "offset": offset, "position": position}

    def tail(self, at: int, position: int) -> list[Any] | None:
        """The deals with events after the read model's position, up to ``position``."""
        if at >= position:
            return []
        if position - at > self.MAX_TAIL:
            return None
        found = self.app.recorder.select_notifications(at, self.MAX_TAIL, stop=position,
                                                       inclusive_of_start=False)
        return list(dict.fromkeys(n.originator_id for n in found))

    @staticmethod
    def where(table: Any, user: User, owner: str | None, customer: str | None,
              skip: list[str], dialect: str) -> list[Any]:
        from sqlalchemy import func

        conds = [table.c.deal_id.not_in(skip)] if skip else []
        if not user.has(*access.READ_ALL_ROLES):
            conds.append(table.c.owner == user.name)
        if owner:
            conds.append(table.c.owner == owner)
        if customer:  # a case-sensitive substring, as ``in`` (SQLite's LIKE ignores case)
            conds.append(func.instr(table.c.customer, customer) > 0
                         if dialect == "sqlite" else table.c.customer.contains(
                             customer, autoescape=True))
        return conds

    @staticmethod
    def _row(deal: Deal) -> dict[str, Any]:
        from projections.deals import summary_row

        return summary_row(deal)


def _row_listed(user: User, row: dict[str, Any], owner: str | None,
                customer: str | None) -> bool:
    if not access.can_read(user, row["owner"]) or (owner and row["owner"] != owner):
        return False
    return not customer or customer in row["customer"]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    """A read-model row as ``deal_summary`` answers it."""
    return {"deal_id": row["deal_id"], "version": row["version"], "customer": row["customer"],
            "owner": row["owner"], "stage": row["stage"], "grade": row["grade"],
            "amount": row["amount"], "currency": row["currency"]}
