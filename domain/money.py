"""Pure calculations on a contract's money: milestone amounts, allocation of payments,
receivable statuses as of a date, and the late-delivery penalty."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

from domain.values import CENT, Milestone

TRIGGER_ORDER = ("signing", "delivery", "acceptance", "warranty_end")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping to the month's end (01-31 + 1 month = 02-28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split(amount: Decimal, schedule: Sequence[Milestone]) -> list[Decimal]:
    """Milestone amounts: percent × amount to the cent, the last taking the remainder."""
    amounts = [cents(amount * m.percent / 100) for m in schedule[:-1]]
    return [*amounts, amount - sum(amounts, Decimal(0))] if schedule else []


def cumulative_by_trigger(schedule: Iterable[Milestone]) -> list[Decimal]:
    """Cumulative percent due by each trigger, in the order signing < ... < warranty_end."""
    totals = dict.fromkeys(TRIGGER_ORDER, Decimal(0))
    for m in schedule:
        totals[m.trigger] += m.percent
    running, out = Decimal(0), []
    for trigger in TRIGGER_ORDER:
        running += totals[trigger]
        out.append(running)
    return out


@attrs.frozen
class Payment:
    received_on: date
    amount: Decimal
    milestone: str | None


@attrs.frozen
class Allocation:
    received: Decimal
    paid_on: date | None


def allocate(
    names: Sequence[str], amounts: Sequence[Decimal], payments: Iterable[Payment]
) -> list[Allocation]:
    """Apply payments in order: first to the named milestone, the excess (or an unnamed
    payment) to the other unpaid milestones in schedule order."""
    received = [Decimal(0)] * len(names)
    paid_on: list[date | None] = [None] * len(names)
    for p in payments:
        rest = p.amount
        order = list(range(len(names)))
        if p.milestone in names:
            first = names.index(p.milestone)
            order.remove(first)
            order.insert(0, first)
        for i in order:
            take = min(rest, amounts[i] - received[i])
            if take <= 0:
                continue
            received[i] += take
            rest -= take
            if received[i] >= amounts[i]:
                paid_on[i] = p.received_on
    return [Allocation(r, d) for r, d in zip(received, paid_on, strict=True)]


def status(due_on: date | None, paid: bool, as_of: date) -> str:
    """scheduled | not_due | due | overdue | paid, as of a date."""
    if paid:
        return "paid"
    if due_on is None:
        return "scheduled"
    if due_on > as_of:
        return "not_due"
    return "due" if due_on == as_of else "overdue"


def days_overdue(due_on: date | None, paid: bool, as_of: date) -> int:
    if paid or due_on is None or due_on >= as_of:
        return 0
    return (as_of - due_on).days


def late_penalty(
    amount: Decimal,
    daily_percent: Decimal,
    cap_percent: Decimal,
    due: date | None,
    completed_on: date | None,
    as_of: date,
) -> Decimal:
    """Days late × daily rate × amount, capped; counted to completion or to ``as_of``."""
    if due is None:
        return Decimal("0.00")
    end = completed_on or as_of
    days = max((end - due).days, 0)
    return cents(min(amount * daily_percent * days / 100, amount * cap_percent / 100))


def plus_days(day: date | None, days: int) -> date | None:
    return None if day is None else day + timedelta(days=days)
