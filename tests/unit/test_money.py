"""domain.money: milestone amounts, month arithmetic, allocation, statuses, penalty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from domain.money import (
    Payment,
    add_months,
    allocate,
    cumulative_by_trigger,
    days_overdue,
    late_penalty,
    split,
    status,
)
from domain.values import Milestone

THIRDS = [Milestone("a", D("33.33"), "signing"), Milestone("b", D("33.33"), "delivery"),
          Milestone("c", D("33.34"), "acceptance")]
NAMES = ["prepayment", "progress", "final"]
AMOUNTS = [D("85500.00"), D("85500.00"), D("114000.00")]


def test_split_rounds_to_the_cent_and_the_last_milestone_takes_the_remainder() -> None:
    amounts = split(D("100.01"), THIRDS)

    assert amounts == [D("33.33"), D("33.33"), D("33.35")]
    assert sum(amounts) == D("100.01")


def test_split_rounds_half_cents_up() -> None:
    halves = [Milestone("a", D(50), "signing"), Milestone("b", D(50), "delivery")]

    assert split(D("0.05"), halves) == [D("0.03"), D("0.02")]


def test_split_of_the_example_contract_follows_its_percentages() -> None:
    schedule = [Milestone(n, D(p), "signing") for n, p in zip(NAMES, (30, 30, 40), strict=True)]

    assert split(D("285000.00"), schedule) == AMOUNTS


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 4, 30)),
    (date(2024, 3, 26), 12, date(2025, 3, 26)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_adding_months_clamps_to_the_end_of_the_month(day: date, months: int,
                                                      expected: date) -> None:
    assert add_months(day, months) == expected


def test_an_unnamed_payment_fills_milestones_in_schedule_order() -> None:
    payments = [Payment(date(2024, 3, 12), D("100000.00"), None)]

    result = allocate(NAMES, AMOUNTS, payments)

    assert [a.received for a in result] == [D("85500.00"), D("14500.00"), D(0)]
    assert [a.paid_on for a in result] == [date(2024, 3, 12), None, None]


def test_a_named_payment_goes_first_to_its_milestone_and_the_excess_in_order() -> None:
    payments = [Payment(date(2024, 4, 1), D("120000.00"), "final")]

    result = allocate(NAMES, AMOUNTS, payments)

    assert [a.received for a in result] == [D("6000.00"), D(0), D("114000.00")]
    assert [a.paid_on for a in result] == [None, None, date(2024, 4, 1)]


def test_a_payment_named_to_a_paid_milestone_flows_to_the_next_unpaid_ones() -> None:
    payments = [Payment(date(2024, 3, 12), D("85500.00"), "prepayment"),
                Payment(date(2024, 3, 13), D("1000.00"), "prepayment")]

    result = allocate(NAMES, AMOUNTS, payments)

    assert [a.received for a in result] == [D("85500.00"), D("1000.00"), D(0)]


@pytest.mark.parametrize(("due", "paid", "expected"), [
    (None, False, "scheduled"),
    (date(2024, 4, 2), False, "not_due"),
    (date(2024, 4, 1), False, "due"),
    (date(2024, 3, 31), False, "overdue"),
    (date(2024, 3, 31), True, "paid"),
    (None, True, "paid"),
])
def test_a_receivable_status_as_of_a_date(due: date | None, paid: bool, expected: str) -> None:
    assert status(due, paid, date(2024, 4, 1)) == expected


def test_days_overdue_count_only_unpaid_receivables_past_their_due_date() -> None:
    as_of = date(2024, 4, 1)

    assert days_overdue(date(2024, 3, 1), False, as_of) == 31
    assert days_overdue(date(2024, 3, 1), True, as_of) == 0
    assert days_overdue(date(2024, 4, 1), False, as_of) == 0
    assert days_overdue(None, False, as_of) == 0


def test_the_late_penalty_counts_days_to_completion_and_is_capped() -> None:
    amount, rate, cap = D("285000.00"), D("0.1"), D(5)

    assert late_penalty(amount, rate, cap, date(2024, 3, 25), date(2024, 3, 30),
                        date(2024, 6, 1)) == D("1425.00")
    assert late_penalty(amount, rate, cap, date(2024, 3, 25), None,
                        date(2024, 3, 27)) == D("570.00")
    assert late_penalty(amount, rate, cap, date(2024, 3, 25), None,
                        date(2025, 3, 25)) == D("14250.00")
    assert late_penalty(amount, rate, cap, date(2024, 3, 25), date(2024, 3, 20),
                        date(2024, 6, 1)) == D("0.00")


def test_cumulative_percent_by_trigger_follows_signing_delivery_acceptance_warranty() -> None:
    plan = [Milestone("final", D(10), "warranty_end"), Milestone("pre", D(30), "signing"),
            Milestone("progress", D(60), "acceptance")]

    assert cumulative_by_trigger(plan) == [D(30), D(30), D(90), D(100)]
