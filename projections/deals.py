"""The index behind ``GET /deals``: one row per deal with its list summary
(``application.views.deal_summary``) and when it was opened, so the list pages in SQL
instead of replaying every deal. ``application.views.list_deals`` adds what the log
holds beyond this read model's position, so the list still reads its own writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table

from domain.chain import plain
from domain.deal import Deal
from projections.base import Rebuilt, deal_columns, deal_values, money

metadata = MetaData()
deals = Table(
    "rm_deals", metadata,
    *deal_columns(),
    Column("opened_at", String(40), nullable=False),  # recorded time of DealOpened, UTC ISO
    Column("version", Integer, nullable=False),
    Column("stage", String(20), nullable=False),
    Column("grade", String(1)),
    Column("amount", String(24)),  # the contract's, once signed
    Column("currency", String(3), nullable=False),
    Index("ix_rm_deals_opened", "opened_at", "deal_id"),
    Index("ix_rm_deals_owner_opened", "owner", "opened_at", "deal_id"),
)


def order_key(row: dict[str, Any]) -> tuple[str, str]:
    """Oldest first: the time the deal was opened, then its id."""
    return row["opened_at"], row["deal_id"]


def summary_row(deal: Deal) -> dict[str, Any]:
    return {**deal_values(deal), "opened_at": plain(deal.created_on), "version": deal.version,
            "stage": deal.stage, "grade": deal.current_grade,
            "amount": money(deal.amount) if deal.is_signed else None,
            "currency": deal.currency}


class Deals(Rebuilt):
    name = "deals"
    metadata = metadata
    table = deals

    def rows(self, deal: Deal) -> list[dict[str, Any]]:
        return [summary_row(deal)]
