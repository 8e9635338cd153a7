"""Customer follow-up table (manual table 2): one row per deal with its latest
follow-up. ``overdue`` (the next step's due date has passed) is computed at query time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, Index, MetaData, String, Table, Text

from domain.deal import Deal
from projections.base import Rebuilt, deal_columns, deal_values

metadata = MetaData()
follow_ups = Table(
    "rm_follow_ups", metadata,
    *deal_columns(),
    Column("grade", String(1)),
    Column("contact", String(200)),
    Column("phone", String(200)),
    Column("last_follow_up_on", Date),
    Column("channel", String(20)),
    Column("summary", Text),
    Column("feedback", Text),
    Column("next_step", Text),
    Column("next_step_due", Date),
    Column("stage", String(20), nullable=False),
    Index("ix_rm_follow_ups_owner_order", "owner", "deal_id"),  # a rep's page, in order
)


class FollowUps(Rebuilt):
    name = "follow_ups"
    metadata = metadata
    table = follow_ups
    events = frozenset({"DealOpened", "ContactAdded", "ContactUpdated", "CustomerUpdated",
                        "OwnerChanged", "Graded", "FollowUpLogged", "DealLost",
                        "ContractSigned", "OrderApproved", "Delivered", "Accepted",
                        "PaymentReceived", "SurveySigned", "ProposalApproved"})

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        last = deal.follow_ups[-1] if deal.follow_ups else {}
        contact = deal.contacts.get(last.get("contact", "")) if last else None
        if contact is None and deal.contacts:
            contact = next(iter(deal.contacts.values()))
        return [{
            **deal_values(deal), "grade": deal.current_grade,
            "contact": contact.name if contact else None,
            "phone": contact.phone if contact else None,
            "last_follow_up_on": last.get("on"), "channel": last.get("channel"),
            "summary": last.get("summary"), "feedback": last.get("feedback"),
            "next_step": last.get("next_step"), "next_step_due": last.get("next_step_due"),
            "stage": deal.stage,
        }]
