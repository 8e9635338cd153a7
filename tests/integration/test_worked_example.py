"""The manual's XX科技 example, end to end at the application level, on every store."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from application import examples as ex
from tests.conftest import STORES, World

pytestmark = pytest.mark.parametrize("store_url", STORES, indirect=True)


def run_example(world: World) -> uuid.UUID:
    deal_id = uuid.uuid4()
    ex.run(world.app, world.clock, ex.xx_keji_steps(world.app, world.staff, deal_id))
    return deal_id


def test_the_xx_keji_example_reaches_paid(world: World) -> None:
    deal_id = run_example(world)

    deal = world.app.load(deal_id)

    assert deal.stage == "paid"
    assert [s["stage"] for s in deal.stage_history] == [
        "opened", "graded", "surveyed", "proposal_approved", "contracted",
        "order_approved", "delivered", "accepted", "paid"]
    assert deal.amount == Decimal("285000.00")
    assert deal.received == Decimal("285000.00")


def test_each_milestone_falls_due_after_its_trigger_and_offset(world: World) -> None:
    deal_id = run_example(world)

    rows = world.app.load(deal_id).receivables(date(2024, 6, 1))

    assert [(r["milestone"], r["amount"], r["due_on"], r["status"]) for r in rows] == [
        ("prepayment", Decimal("85500.00"), date(2024, 3, 10), "paid"),   # at signing
        ("progress", Decimal("85500.00"), date(2024, 4, 24), "paid"),     # delivery + 30
        ("final", Decimal("114000.00"), date(2024, 5, 25), "paid"),       # acceptance + 60
    ]


def test_milestones_are_scheduled_until_their_trigger_happens(world: World) -> None:
    deal_id = uuid.uuid4()
    ex.run(world.app, world.clock, ex.xx_keji_steps(world.app, world.staff, deal_id),
           until="signed")

    rows = world.app.load(deal_id).receivables(date(2024, 3, 14))

    assert [(r["milestone"], r["due_on"], r["status"], r["days_overdue"]) for r in rows] == [
        ("prepayment", date(2024, 3, 10), "overdue", 4),
        ("progress", None, "scheduled", 0),
        ("final", None, "scheduled", 0),
    ]


@pytest.mark.parametrize("interval", [0, 5])
def test_a_deal_reloaded_in_a_new_application_equals_the_saved_one(
        world: World, interval: int) -> None:
    if world.url == "memory://":
        pytest.skip("the in-memory store is not shared between applications")
    writer = world.reopen(snapshot_interval=5)  # snapshots at versions 5, 10, ...
    deal_id = uuid.uuid4()
    ex.run(writer, world.clock, ex.xx_keji_steps(writer, world.staff, deal_id))
    saved = writer.load(deal_id)

    reloaded = world.reopen(snapshot_interval=interval).load(deal_id)

    assert reloaded == saved
    assert reloaded.head_hash == saved.head_hash
