"""Approval queue (manual table 7): one row per review step of proposals, contracts,
orders, changes and commitments.

Statuses: ``pending`` (the step can act now), ``waiting`` (a sequential step whose
predecessor has not approved yet), ``approved``, ``rejected``, ``superseded`` (the step
can never act: a newer version or revision replaced it, the round or version was
rejected, the change lapsed, or the deal was lost). Proposal and change reviews run in
any order, so all their steps are pending at once; contract and order reviews are
strictly ordered. Kept event by event, so earlier revisions and rounds stay listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    update,
)

from domain.chain import plain
from domain.deal import Deal
from projections.base import Projection, deal_columns, deal_values

metadata = MetaData()
approvals = Table(
    "rm_approvals", metadata,
    *deal_columns(),
    Column("subject", String(20), primary_key=True),
    Column("ref", String(120), primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("step", Integer, nullable=False),
    Column("sequential", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", String(40), nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", String(40)),
    Column("comment", Text),
    Index("ix_rm_approvals_status", "status", "deal_id", "subject", "ref", "role"),
    Index("ix_rm_approvals_role", "role", "status"),
    Index("ix_rm_approvals_owner_order", "owner", "deal_id", "subject", "ref", "role", "status"),
)
PROPOSAL_ROLES = ("sales_supervisor", "product_manager", "legal")
CONTRACT_ROLES = ("sales_supervisor", "legal", "finance")
ORDER_ROLES = ("sales_supervisor", "production", "finance")
CHANGE_ROLES = ("sales_supervisor", "product_manager", "engineering")
OPEN = ("pending", "waiting")
SEQUENTIAL = {"contract": CONTRACT_ROLES, "order": ORDER_ROLES}


def contract_ref(deal: Deal, revision: int) -> str:
    return f"{deal.contract['contract_no'] if deal.contract else ''} r{revision}"


def order_ref(deal: Deal, round_no: int) -> str:
    return f"{deal.contract['contract_no'] if deal.contract else ''} round {round_no}"


class Approvals(Projection):
    name = "approvals"
    metadata = metadata

    def handle(self, conn: Connection, event: Any, deal: Deal) -> None:
        handler = HANDLERS.get(type(event).__name__)
        if handler is not None:
            handler(Step(conn, event, deal))


class Step:
    """One event's effect on the approval rows of its deal."""

    def __init__(self, conn: Connection, event: Any, deal: Deal) -> None:
        self.conn, self.e, self.deal = conn, event, deal
        self.at = plain(event.timestamp)

    def open(self, subject: str, ref: str, roles: tuple[str, ...], sequential: bool) -> None:
        self.conn.execute(approvals.insert(), [
            {**deal_values(self.deal), "subject": subject, "ref": ref, "role": role,
             "step": i, "sequential": int(sequential), "opened_at": self.at,
             "status": "waiting" if sequential and i > 1 else "pending"}
            for i, role in enumerate(roles, start=1)])

    def where(self, subject: str | None = None, ref: str | None = None,
              role: str | None = None) -> Any:
        c = approvals.c
        conds = [c.deal_id == str(self.deal.id)]
        conds += [c.subject == subject] if subject else []
        conds += [c.ref == ref] if ref else []
        conds += [c.role == role] if role else []
        return and_(*conds)

    def decide(self, subject: str, ref: str, role: str, approved: bool) -> None:
        self.conn.execute(update(approvals).where(self.where(subject, ref, role)).values(
            status="approved" if approved else "rejected", decided_by=self.e.actor.name,
            decided_at=self.at, comment=getattr(self.e, "comment", "")))
        chain = SEQUENTIAL.get(subject, ())
        if approved and role in chain[:-1]:  # the next sequential step may act now
            following = chain[chain.index(role) + 1]
            self.conn.execute(update(approvals).where(
                self.where(subject, ref, following), approvals.c.status == "waiting",
            ).values(status="pending"))

    def supersede(self, subject: str | None = None, ref: str | None = None) -> None:
        self.conn.execute(update(approvals).where(
            self.where(subject, ref), approvals.c.status.in_(OPEN)).values(status="superseded"))

    def relabel(self) -> None:
        self.conn.execute(update(approvals).where(self.where()).values(
            customer=self.deal.customer.name, owner=self.deal.owner))


def _proposal_submitted(s: Step) -> None:
    for old in s.e.supersedes:
        s.supersede("proposal", old)
    s.open("proposal", s.e.version, PROPOSAL_ROLES, sequential=False)


def _contract_drafted(s: Step) -> None:
    s.supersede("contract")
    s.open("contract", contract_ref(s.deal, s.e.revision), CONTRACT_ROLES, sequential=True)


def _contract_signed(s: Step) -> None:
    s.open("order", order_ref(s.deal, 1), ORDER_ROLES, sequential=True)


def _order_rejected(s: Step) -> None:
    s.supersede("order", order_ref(s.deal, s.e.round))
    s.open("order", order_ref(s.deal, s.e.round + 1), ORDER_ROLES, sequential=True)


HANDLERS: dict[str, Callable[[Step], None]] = {
    "ProposalSubmitted": _proposal_submitted,
    "ProposalReviewed": lambda s: s.decide("proposal", s.e.version, s.e.role,
                                           s.e.decision == "approve"),
    "ProposalRejected": lambda s: s.supersede("proposal", s.e.version),
    "ContractDrafted": _contract_drafted,
    "ContractReviewed": lambda s: s.decide("contract", contract_ref(s.deal, s.e.revision),
                                           s.e.role, s.e.decision == "approve"),
    "ContractRejected": lambda s: s.supersede("contract", contract_ref(s.deal, s.e.revision)),
    "ContractSigned": _contract_signed,
    "OrderReviewed": lambda s: s.decide("order", order_ref(s.deal, s.e.round), s.e.role,
                                        s.e.decision == "approve"),
    "OrderRejected": _order_rejected,
    "ChangeRequested": lambda s: s.open("change", str(s.e.no), CHANGE_ROLES, sequential=False),
    "ChangeAssessed": lambda s: s.decide("change", str(s.e.no), s.e.role,
                                         s.e.decision == "feasible"),
    "Accepted": lambda s: s.supersede("change"),  # a change still pending lapses
    "CommitmentProposed": lambda s: s.open("commitment", str(s.e.no), ("sales_supervisor",),
                                           sequential=False),
    "CommitmentConfirmed": lambda s: s.decide("commitment", str(s.e.no), "sales_supervisor",
                                              True),
    "CommitmentRejected": lambda s: s.decide("commitment", str(s.e.no), "sales_supervisor",
                                             False),
    "DealLost": lambda s: s.supersede(),
    "CustomerUpdated": Step.relabel,
    "OwnerChanged": Step.relabel,
}
