"""Stage progress table (tracking templates, 模板二): one row per deal with its stage,
when it entered it, the next action and a risk flag; the summary counts deals per stage
and the stage-to-stage conversion."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, Index, MetaData, String, Table, Text

from domain.base import STAGES
from domain.deal import Deal
from projections.base import Rebuilt, deal_columns, deal_values, money

metadata = MetaData()
pipeline = Table(
    "rm_pipeline", metadata,
    *deal_columns(),
    Column("stage", String(20), nullable=False),
    Column("stage_entered_on", Date, nullable=False),
    Column("grade", String(1)),
    Column("amount", String(24)),
    Column("currency", String(3), nullable=False),
    Column("next_action", Text),
    Column("risk", String(10)),
    Column("risk_reasons", Text, nullable=False),
    Column("reached", Text, nullable=False),
    Index("ix_rm_pipeline_stage", "stage", "reached"),  # the summary counts from it alone
    Index("ix_rm_pipeline_owner_order", "owner", "deal_id", "stage", "reached"),  # a rep's page
)
NEXT_ACTION = {
    "opened": "grade the customer",
    "graded": "survey the customer's needs",
    "surveyed": "get a proposal approved by the three reviewers",
    "proposal_approved": "draft, review and sign the contract",
    "contracted": "get the order approved",
    "order_approved": "deliver every contracted item",
    "delivered": "run the acceptance with the customer",
    "accepted": "collect the remaining payments",
    "paid": "keep up customer maintenance",
    "lost": None,
}


class Pipeline(Rebuilt):
    name = "pipeline"
    metadata = metadata
    table = pipeline

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        reasons = risk_reasons(deal)
        level = None if deal.stage == "lost" else (
            "high" if any(r.startswith("!") for r in reasons) else "medium" if reasons else "low")
        return [{**deal_values(deal), "stage": deal.stage,
                 "stage_entered_on": deal.stage_history[-1]["on"],
                 "grade": deal.current_grade, "amount": money(amount(deal)),
                 "currency": deal.currency, "next_action": NEXT_ACTION[deal.stage],
                 "risk": level, "risk_reasons": ";".join(r.lstrip("!") for r in reasons),
                 "reached": ",".join(s["stage"] for s in deal.stage_history)}]


def amount(deal: Deal) -> Decimal | None:
    if deal.contract is not None:
        return deal.contract["amount"]  # type: ignore[no-any-return]
    if deal.proposals:
        return list(deal.proposals.values())[-1]["total"]  # type: ignore[no-any-return]
    return None


def risk_reasons(deal: Deal) -> list[str]:
    """What threatens the deal; "!" marks what makes the risk high."""
    reasons = []
    if any(c["resolved_on"] is None for c in deal.complaints):
        reasons.append("!open complaint")
    if deal.acceptance and not deal.acceptance[-1]["passed"]:
        reasons.append("!acceptance failed")
    if any(d["responsible"] == "us" for d in deal.delays):
        reasons.append("!delivery delayed by us")
    if deal.current_grade == "C":
        reasons.append("grade C")
    if deal.pending_commitments:
        reasons.append("commitment awaiting decision")
    if deal.proposals and list(deal.proposals.values())[-1]["status"] == "rejected":
        reasons.append("proposal rejected")
    if deal.contract is not None and deal.contract["status"] == "rejected":
        reasons.append("contract rejected")
    return reasons


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Deals per current stage, and for each stage how many that reached it reached the
    next one (conversion in per cent, two places; null when none reached it)."""
    counts = {stage: 0 for stage in (*STAGES, "lost")}
    reached = dict.fromkeys(STAGES, 0)
    for r in rows:
        counts[r["stage"]] += 1
        for stage in set(r["reached"].split(",")) & set(STAGES):
            reached[stage] += 1
    conversion = []
    for here, there in itertools.pairwise(STAGES):
        rate = None if reached[here] == 0 else money(Decimal(100 * reached[there]) / reached[here])
        conversion.append({"from": here, "to": there, "entered": reached[here],
                           "advanced": reached[there], "rate": rate})
    return {"total": len(rows), "counts": counts, "reached": reached, "conversion": conversion}
