"""Receivables tracking table (manual table 10): one row per milestone of a signed
contract, and the allocation of payments as of each payment date.

Stored: what the log says (amounts, due dates, reasons, penalty terms). Computed at
query time for ``as_of``: received and paid_on (only payments received on or before
it), status, days overdue, escalation and the late-delivery penalty, with
``domain.money`` — the same functions the deal uses.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from domain.deal import Deal
from domain.money import days_overdue, late_penalty, status
from domain.policy import Policy
from projections.base import Rebuilt, deal_columns, deal_values, money, replace

metadata = MetaData()
receivables = Table(
    "rm_receivables", metadata,
    *deal_columns(),
    Column("seq", Integer, primary_key=True),
    Column("contract_no", String(100), nullable=False),
    Column("contract_amount", String(24), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("milestone", String(200), nullable=False),
    Column("percent", String(24), nullable=False),
    Column("trigger", String(20), nullable=False),
    Column("amount", String(24), nullable=False),
    Column("due_on", Date),
    Column("overdue_reason", Text),
    Column("delivery_due", Date),
    Column("delivery_completed_on", Date),
    Column("penalty_daily_percent", String(24), nullable=False),
    Column("penalty_cap_percent", String(24), nullable=False),
    # counting every payment: the day it was paid in full, what it received, and the
    # deal's last payment day (from then on what it received as of a date is the total)
    Column("paid_on", Date),
    Column("received_total", String(24), nullable=False),
    Column("last_payment_on", Date),
    Index("ix_rm_receivables_owner_order", "owner", "deal_id", "seq"),  # a rep's page, in order
    Index("ix_rm_receivables_due_paid", "due_on", "paid_on"),  # status filters and aging
)
#: What each milestone had received counting payments up to ``from_date`` (one row per
#: distinct payment date): the as-of answer is the latest row on or before ``as_of``.
allocations = Table(
    "rm_receivable_allocations", metadata,
    Column("deal_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_date", Date, primary_key=True),
    Column("received", String(24), nullable=False),
    Column("paid_on", Date),
    Index("ix_rm_receivable_allocations_paid", "deal_id", "seq", "paid_on"),  # paid by a date
)
EVENTS = frozenset({"ContractSigned", "Delivered", "Accepted", "PaymentReceived",
                    "OverdueReasonRecorded", "ChangeAgreed", "DelayReported",
                    "CustomerUpdated", "OwnerChanged"})


class Receivables(Rebuilt):
    name = "receivables"
    metadata = metadata
    table = receivables
    events = EVENTS

    def write(self, conn: Connection, deals: list[Deal], stale: list[str]) -> None:
        super().write(conn, deals, stale)
        replace(conn, allocations, stale,
                [step for deal in deals for step in self.allocation_rows(deal)])

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        if not deal.is_signed or deal.contract is None:
            return []
        terms = deal.contract["late_penalty"]
        common = {**deal_values(deal), "contract_no": deal.contract["contract_no"],
                  "contract_amount": money(deal.amount), "currency": deal.currency,
                  "delivery_due": deal.delivery_due,
                  "delivery_completed_on": deal.delivery_completed_on,
                  "penalty_daily_percent": str(terms.daily_percent),
                  "penalty_cap_percent": str(terms.cap_percent)}
        last = max((p["received_on"] for p in deal.payments), default=None)
        return [{**common, "seq": i, "milestone": r["milestone"], "percent": str(r["percent"]),
                 "trigger": r["trigger"], "amount": money(r["amount"]), "due_on": r["due_on"],
                 "overdue_reason": r["overdue_reason"], "paid_on": r["paid_on"],
                 "received_total": money(r["received"]), "last_payment_on": last}
                for i, r in enumerate(deal.receivables(), start=1)]

    @staticmethod
    def allocation_rows(deal: Deal) -> list[dict[str, Any]]:
        if not deal.is_signed:
            return []
        days = sorted({p["received_on"] for p in deal.payments})
        return [{"deal_id": str(deal.id), "seq": i, "from_date": day,
                 "received": money(r["received"]), "paid_on": r["paid_on"]}
                for day in days for i, r in enumerate(deal.receivables(day), start=1)]


def as_of_rows(conn: Connection, where: list[Any], as_of: date,
               policy: Policy) -> list[dict[str, Any]]:
    """Every matching milestone with its date-dependent columns as of ``as_of``."""
    rows = conn.execute(select(receivables).where(*where)
                        .order_by(receivables.c.deal_id, receivables.c.seq)).mappings().all()
    ids = sorted({r["deal_id"] for r in rows})
    received: dict[tuple[str, int], tuple[str, date | None]] = {}
    if ids:
        steps = conn.execute(select(allocations).where(
            allocations.c.deal_id.in_(ids), allocations.c.from_date <= as_of)
            .order_by(allocations.c.from_date)).mappings().all()
        for s in steps:  # later dates overwrite earlier ones
            received[(s["deal_id"], s["seq"])] = (s["received"], s["paid_on"])
    return [row_as_of(dict(r), received.get((r["deal_id"], r["seq"]), ("0.00", None)),
                      as_of, policy) for r in rows]


def row_as_of(row: dict[str, Any], allocation: tuple[str, date | None], as_of: date,
              policy: Policy) -> dict[str, Any]:
    got, paid_on = allocation
    for stored_only in ("received_total", "last_payment_on"):  # the SQL filters' columns
        row.pop(stored_only, None)
    paid = Decimal(got) >= Decimal(row["amount"])
    late = days_overdue(row["due_on"], paid, as_of)
    penalty = late_penalty(Decimal(row["contract_amount"]),
                           Decimal(row.pop("penalty_daily_percent")),
                           Decimal(row.pop("penalty_cap_percent")),
                           row.pop("delivery_due"), row.pop("delivery_completed_on"), as_of)
    return {**row, "received": got, "paid_on": paid_on if paid else None,
            "outstanding": money(Decimal(row["amount"]) - Decimal(got)),
            "status": status(row["due_on"], paid, as_of), "days_overdue": late,
            "escalated": late > policy.escalation_overdue_days,
            "late_penalty": money(penalty)}


BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def bucket(days: int) -> str:
    if days <= 0:
        return "current"
    return "1-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "90+"


def aging(rows: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """Outstanding money by days overdue; ``current`` holds everything not yet overdue
    (scheduled, not due and due today)."""
    totals = dict.fromkeys(BUCKETS, Decimal(0))
    for r in rows:
        if r["status"] != "paid":
            totals[bucket(r["days_overdue"])] += Decimal(r["outstanding"])
    return {"as_of": as_of.isoformat(), "buckets": {k: money(v) for k, v in totals.items()},
            "total_outstanding": money(sum(totals.values(), Decimal(0)))}
