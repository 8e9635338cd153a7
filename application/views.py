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
               limit: int, offset: int) -> dict[str, Any]:
    """Deals the user may read, oldest first, filtered by owner and customer name.

    Read straight from the event log (the read models of ``projections/`` serve the
    tables of the manual); a sales rep sees only their own deals."""
    access.require_any(user, (*access.READ_ALL_ROLES, "sales_rep"), "reading deals")
    position = app.recorder.max_notification_id() or 0
    opened = app.recorder.select_notifications(start=1, limit=10**9, stop=position,
                                               topics=["domain.events:DealOpened"])
    rows = []
    for notification in opened:
        deal = app.load(notification.originator_id)
        if not access.can_read(user, deal.owner) or (owner and deal.owner != owner):
            continue
        if customer and customer not in deal.customer.name:
            continue
        rows.append(deal)
    items = [deal_summary(d) for d in rows[offset:offset + limit]]
    return {"items": items, "total": len(rows), "limit": limit, "offset": offset,
            "position": position}
