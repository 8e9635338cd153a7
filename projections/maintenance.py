"""Customer maintenance plan (manual table 9). Stored per signed deal: its customer,
contracted amount, signing date, strategic flag and last contact (the latest follow-up
or needs survey). At query time, per customer and ``as_of``: the class from the amount
contracted in the last 12 months (A ≥ policy A threshold or strategic; B ≥ the B
threshold; C below), its cadence, the last contact and the next visit due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table

from domain.deal import Deal
from domain.money import add_months
from domain.policy import Policy
from projections.base import Rebuilt, deal_columns, deal_values, money

metadata = MetaData()
maintenance = Table(
    "rm_maintenance", metadata,
    *deal_columns(),
    Column("strategic", Integer, nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("amount", String(24), nullable=False),
    Column("last_contact", Date),
    Index("ix_rm_maintenance_customer", "customer"),  # the plan pages by customer
)
CADENCE = {"A": ("monthly", 1), "B": ("quarterly", 3), "C": ("half-yearly", 6)}


class Maintenance(Rebuilt):
    name = "maintenance"
    metadata = metadata
    table = maintenance
    events = frozenset({"ContractSigned", "ChangeAgreed", "FollowUpLogged", "SurveySigned",
                        "CustomerUpdated", "OwnerChanged"})

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        if deal.signature is None:
            return []
        contacts = [f["on"] for f in deal.follow_ups]
        if deal.survey is not None:
            contacts.append(deal.survey["surveyed_on"])
        return [{**deal_values(deal), "strategic": int(deal.customer.strategic),
                 "signed_on": deal.signature["signed_on"], "amount": money(deal.amount),
                 "last_contact": max(contacts, default=None)}]


def plan(rows: list[dict[str, Any]], as_of: date, policy: Policy) -> list[dict[str, Any]]:
    """One row per customer, in customer order."""
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_customer.setdefault(r["customer"], []).append(r)
    out = []
    for customer, deals in sorted(by_customer.items()):
        since = add_months(as_of, -12)
        recent = sum((Decimal(d["amount"]) for d in deals if since < d["signed_on"] <= as_of),
                     Decimal(0))
        strategic = any(d["strategic"] for d in deals)
        grade = ("A" if strategic or recent >= policy.class_a_threshold
                 else "B" if recent >= policy.class_b_threshold else "C")
        cadence, months = CADENCE[grade]
        latest = max(deals, key=lambda d: (d["signed_on"], d["deal_id"]))
        last = max((d["last_contact"] for d in deals if d["last_contact"]), default=None)
        start = last or latest["signed_on"]
        out.append({"customer": customer, "class": grade, "cadence": cadence,
                    "strategic": strategic, "contracted_12m": money(recent),
                    "owner": latest["owner"], "deal_ids": sorted(d["deal_id"] for d in deals),
                    "last_contact": last, "next_due": add_months(start, months),
                    "overdue": add_months(start, months) < as_of})
    return out
