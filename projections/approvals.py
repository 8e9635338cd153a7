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
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    select,
    update,
)

from domain.chain import plain
from domain.deal import Deal
from projections.base import Projection, deal_columns, deal_values, insert_rows

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


Key = tuple[str, str, str]  # subject, ref, role
#: What a later event can change in a row (the rest is fixed when the step opens).
MUTABLE = ("customer", "owner", "status", "decided_by", "decided_at", "comment")
CHUNK = 500


class Approvals(Projection):
    """Rows are kept in memory during a batch: ``prepare`` loads the rows of the batch's
    deals in one query, each event changes them in Python, and ``flush`` writes what
    changed (inserts and updates, each one ``executemany``) before the position."""

    name = "approvals"
    metadata = metadata

    def begin_batch(self) -> None:
        self.rows: dict[UUID, dict[Key, dict[str, Any]]] = {}
        self.stored: dict[tuple[str, Key], tuple[Any, ...]] = {}

    def prepare(self, conn: Connection, notifications: list[Any]) -> None:
        """Load the stored rows of every deal the batch's events can change (a deal
        opened within the batch has none yet)."""
        new, ids = set(), set()
        for n in notifications:
            key = n.originator_id
            if n.originator_version == 1:
                new.add(key)
            elif key not in new and event_name(n.topic) in HANDLERS:
                ids.add(key)
        for key in ids | new:
            self.rows[key] = {}
        wanted = sorted(str(key) for key in ids)
        for i in range(0, len(wanted), CHUNK):
            self.load(conn, approvals.c.deal_id.in_(wanted[i:i + CHUNK]))

    def load(self, conn: Connection, where: Any) -> None:
        for r in conn.execute(select(approvals).where(where)).mappings():
            row, key = dict(r), (r["subject"], r["ref"], r["role"])
            self.rows[UUID(row["deal_id"])][key] = row
            self.stored[(row["deal_id"], key)] = tuple(row[c] for c in MUTABLE)

    def handle(self, conn: Connection, event: Any, deal: Deal) -> None:
        handler = HANDLERS.get(type(event).__name__)
        if handler is not None:
            rows = self.rows.get(deal.id)
            if rows is None:  # not prepared (a caller that skipped ``prepare``)
                rows = self.rows[deal.id] = {}
                self.load(conn, approvals.c.deal_id == str(deal.id))
            handler(Step(rows, event, deal))

    def flush(self, conn: Connection) -> None:
        inserts, updates = [], []
        for rows in self.rows.values():
            for key, row in rows.items():
                before = self.stored.get((row["deal_id"], key))
                if before is None:
                    inserts.append(row)
                elif before != tuple(row[c] for c in MUTABLE):
                    updates.append({f"k_{c}": row[c] for c in ("deal_id", "subject", "ref",
                                                              "role")}
                                   | {f"v_{c}": row[c] for c in MUTABLE})
        insert_rows(conn, approvals, inserts)
        if updates:
            conn.execute(UPDATE, updates)
        self.begin_batch()


def event_name(topic: str) -> str:
    """``domain.events:ProposalReviewed`` → ``ProposalReviewed``."""
    return topic.rpartition(":")[2].rpartition(".")[2]


UPDATE = update(approvals).where(
    *(approvals.c[c] == bindparam(f"k_{c}") for c in ("deal_id", "subject", "ref", "role"))
).values({c: bindparam(f"v_{c}") for c in MUTABLE})


class Step:
    """One event's effect on the approval rows of its deal (held in memory)."""

    def __init__(self, rows: dict[Key, dict[str, Any]], event: Any, deal: Deal) -> None:
        self.rows, self.e, self.deal = rows, event, deal

    @property
    def at(self) -> str:
        return str(plain(self.e.timestamp))

    def open(self, subject: str, ref: str, roles: tuple[str, ...], sequential: bool) -> None:
        base, at = deal_values(self.deal), self.at
        for i, role in enumerate(roles, start=1):
            key = (subject, ref, role)
            if key in self.rows:
                msg = f"approval step {key} of deal {base['deal_id']} is already open"
                raise ValueError(msg)
            self.rows[key] = {
                **base, "subject": subject, "ref": ref, "role": role, "step": i,
                "sequential": int(sequential), "status": "waiting" if sequential and i > 1
                else "pending", "opened_at": at, "decided_by": None,
                "decided_at": None, "comment": None}

    def matching(self, subject: str | None = None,
                 ref: str | None = None) -> list[dict[str, Any]]:
        return [row for (s, r, _), row in self.rows.items()
                if (not subject or s == subject) and (not ref or r == ref)]

    def decide(self, subject: str, ref: str, role: str, approved: bool) -> None:
        row = self.rows.get((subject, ref, role))
        if row is not None:
            row.update(status="approved" if approved else "rejected",
                       decided_by=self.e.actor.name, decided_at=self.at,
                       comment=getattr(self.e, "comment", ""))
        chain = SEQUENTIAL.get(subject, ())
        if approved and role in chain[:-1]:  # the next sequential step may act now
            following = self.rows.get((subject, ref, chain[chain.index(role) + 1]))
            if following is not None and following["status"] == "waiting":
                following["status"] = "pending"

    def supersede(self, subject: str | None = None, ref: str | None = None) -> None:
        for row in self.matching(subject, ref):
            if row["status"] in OPEN:
                row["status"] = "superseded"

    def relabel(self) -> None:
        for row in self.rows.values():
            row.update(customer=self.deal.customer.name, owner=self.deal.owner)


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
