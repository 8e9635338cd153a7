"""Manual §五: payments, their allocation to milestones, and the receivables as of a date
(always recomputed from the payments, never stored)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain import events as ev
from domain.base import Context, DealBase, NotFoundInDeal, applies
from domain.errors import require
from domain.money import (
    Payment,
    allocate,
    days_overdue,
    late_penalty,
    plus_days,
    split,
    status,
)

ZERO = Decimal(0)


class Receivables(DealBase):
    def receive_payment(self, ctx: Context, *, received_on: date, amount: Decimal,
                        reference: str = "", milestone: str | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, received_on=received_on)
        require(self.is_signed, "PAYMENT_NEEDS_CONTRACT", "the contract is not signed")
        require(amount > 0, "PAYMENT_NOT_POSITIVE", "a payment is above zero")
        outstanding = self.amount - self.received
        require(amount <= outstanding, "OVERPAYMENT", "the payment exceeds what is owed",
                amount=str(amount), outstanding=str(outstanding))
        require(milestone is None or milestone in self.milestone_names, "UNKNOWN_MILESTONE",
                f"no milestone {milestone!r}", milestone=milestone)
        assert self.signature is not None
        self.check_order(received_on, self.signature["signed_on"], "received_on ≥ signed_on")
        self.emit(ctx, ev.PaymentReceived, received_on, no=self.next_no(self.payments),
                  received_on=received_on, amount=amount, reference=reference,
                  milestone=milestone)

    def record_overdue_reason(self, ctx: Context, milestone: str, reason: str,
                              on: date | None = None) -> None:
        self.milestone(milestone)
        self.check_open()
        self.check_not_future(ctx, on=on)
        self.emit(ctx, ev.OverdueReasonRecorded, on or ctx.today, milestone=milestone,
                  reason=reason)

    # -- derived ---------------------------------------------------------------------------
    @property
    def amount(self) -> Decimal:
        return self.contract["amount"] if self.is_signed and self.contract else ZERO

    @property
    def received(self) -> Decimal:
        return sum((p["amount"] for p in self.payments), ZERO)

    @property
    def schedule(self) -> list[Any]:
        return list(self.contract["payment_schedule"]) if self.is_signed and self.contract else []

    @property
    def milestone_names(self) -> list[str]:
        return [m.milestone for m in self.schedule]

    def milestone(self, name: str) -> Any:
        for m in self.schedule:
            if m.milestone == name:
                return m
        raise NotFoundInDeal("milestone", name)

    def trigger_date(self, trigger: str) -> date | None:
        return {
            "signing": self.signature["signed_on"] if self.signature else None,
            "delivery": self.delivery_completed_on,
            "acceptance": self.accepted_on,
            "warranty_end": self.warranty_ends,
        }[trigger]

    def receivables(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """One row per milestone; only payments received on or before ``as_of`` count."""
        schedule = self.schedule
        amounts = split(self.amount, schedule)
        payments = [Payment(p["received_on"], p["amount"], p["milestone"])
                    for p in self.payments if as_of is None or p["received_on"] <= as_of]
        allocations = allocate(self.milestone_names, amounts, payments)
        rows = []
        for m, amount, alloc in zip(schedule, amounts, allocations, strict=True):
            due = plus_days(self.trigger_date(m.trigger), m.days)
            paid = alloc.received >= amount
            day = as_of or date.max
            rows.append({
                "milestone": m.milestone, "percent": m.percent, "trigger": m.trigger,
                "days": m.days, "amount": amount, "due_on": due, "received": alloc.received,
                "paid_on": alloc.paid_on if paid else None,
                "status": status(due, paid, day) if as_of else ("paid" if paid else None),
                "days_overdue": days_overdue(due, paid, day) if as_of else 0,
                "overdue_reason": self.overdue_reasons.get(m.milestone),
            })
        return rows

    def unpaid_signing_milestones(self) -> list[str]:
        return [r["milestone"] for r in self.receivables()
                if r["trigger"] == "signing" and r["received"] < r["amount"]]

    @property
    def all_paid(self) -> bool:
        rows = self.receivables()
        return bool(rows) and all(r["received"] >= r["amount"] for r in rows)

    def late_penalty(self, as_of: date) -> Decimal:
        if not self.is_signed or self.contract is None:
            return Decimal("0.00")
        terms = self.contract["late_penalty"]
        return late_penalty(self.amount, terms.daily_percent, terms.cap_percent,
                            self.delivery_due, self.delivery_completed_on, as_of)

    def advance_if_paid(self, on: date) -> None:
        if self.accepted_on is not None and self.all_paid:
            self.advance("paid", on)

    # -- state -------------------------------------------------------------------------------
    @applies(ev.PaymentReceived)
    def _paid(self, e: ev.PaymentReceived) -> None:
        self.payments.append({"no": e.no, "received_on": e.received_on, "amount": e.amount,
                              "reference": e.reference, "milestone": e.milestone,
                              "by": e.actor.name})
        self.advance_if_paid(e.on)

    @applies(ev.OverdueReasonRecorded)
    def _overdue_reason(self, e: ev.OverdueReasonRecorded) -> None:
        self.overdue_reasons[e.milestone] = e.reason
