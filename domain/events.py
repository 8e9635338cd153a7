"""The Deal's events. Names are stored and published: never rename one.

Every event carries the business date ``on``, the ``actor``, and its link in the hash
chain (``prev_hash``, ``hash``), all computed by the command before it is triggered.
Sequences are lists (the store gives lists back); values are ``domain.values`` objects.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.values import (
    Actor,
    Budget,
    Clauses,
    Contact,
    Criterion,
    Customer,
    DecisionFactor,
    Impact,
    Line,
    Milestone,
    Need,
    Parties,
    Penalty,
    ProposalItem,
    Rectification,
    Response,
    Result,
    Signatory,
)

#: Event attributes that are not part of the event's ``data`` in the hash chain.
#: ``class_version`` is what the library adds to a stored v2+ event's state.
ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic",
     "on", "actor", "prev_hash", "hash", "class_version"}
)


def payload(event: Any) -> dict[str, Any]:
    """The event's own data: everything but the envelope."""
    return {k: v for k, v in event.__dict__.items() if k not in ENVELOPE}


class DealEvent(Aggregate.Event):
    on: date
    actor: Actor
    prev_hash: str
    hash: str

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


class DealOpened(Aggregate.Created):
    on: date
    actor: Actor
    prev_hash: str
    hash: str
    customer: Customer
    contacts: list[Contact]
    source: str
    referrer: str | None
    owner: str
    currency: str

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


# §一 prospecting
class ContactAdded(DealEvent):
    contact: Contact


class ContactUpdated(DealEvent):
    contact: Contact


class CustomerUpdated(DealEvent):
    customer: Customer


class OwnerChanged(DealEvent):
    owner: str


class Graded(DealEvent):
    grade: str
    need: str
    budget: str
    decision_chain: str
    note: str


class FollowUpLogged(DealEvent):
    """v2 adds ``outcome``; a stored v1 event is upcast on read (its stored form and
    hash stay v1: never rewritten)."""

    class_version = 2
    channel: str
    contact: str
    summary: str
    feedback: str
    next_step: str
    next_step_due: date
    outcome: str = ""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["outcome"] = ""


class CommitmentProposed(DealEvent):
    no: int
    text: str
    made_on: date


class CommitmentConfirmed(DealEvent):
    no: int
    comment: str


class CommitmentRejected(DealEvent):
    no: int
    comment: str


# §二 needs analysis and proposal
class SurveySigned(DealEvent):
    surveyed_on: date
    method: str
    needs: list[Need]
    decision_factors: list[DecisionFactor]
    budget: Budget
    signed_by: Signatory
    signed_on: date


class ProposalSubmitted(DealEvent):
    version: str
    responses: list[Response]
    items: list[ProposalItem]
    discount: Decimal
    floor_price: Decimal
    total: Decimal
    payment_plan: list[Milestone]
    delivery_days: int
    expected_outcomes: list[str]
    cases: list[str]
    supersedes: list[str]


class ProposalReviewed(DealEvent):
    version: str
    role: str
    decision: str
    comment: str


class ProposalApproved(DealEvent):
    version: str


class ProposalRejected(DealEvent):
    version: str


class FeedbackRecorded(DealEvent):
    version: str
    no: int
    contact: str
    objection: str
    resolution: str
    owner: str
    due: date
    major: bool


class FeedbackResolved(DealEvent):
    version: str
    no: int
    resolution: str


# §三 negotiation and contract
class ContractDrafted(DealEvent):
    revision: int
    contract_no: str
    based_on: str
    parties: Parties
    items: list[Line]
    amount: Decimal
    payment_schedule: list[Milestone]
    delivery_days: int
    warranty_months: int
    late_penalty: Penalty
    late_payment_penalty: Penalty
    acceptance_criteria: list[Criterion]
    clauses: Clauses


class ContractReviewed(DealEvent):
    revision: int
    role: str
    decision: str
    comment: str


class ContractRejected(DealEvent):
    revision: int


class ContractSigned(DealEvent):
    revision: int
    signed_on: date
    customer_signatory: Signatory
    document_sha256: str
    delivery_due: date


# §四 order and delivery
class OrderReviewed(DealEvent):
    round: int
    role: str
    decision: str
    comment: str


class OrderApproved(DealEvent):
    round: int


class OrderRejected(DealEvent):
    round: int


class Delivered(DealEvent):
    no: int
    delivered_on: date
    items: list[Line]
    received_by: Signatory
    tracking_no: str
    qc_report: str
    completes: bool


class DelayReported(DealEvent):
    no: int
    reported_on: date
    cause: str
    responsible: str
    new_due: date
    delivery_due: date


class Accepted(DealEvent):
    attempt: int
    accepted_on: date
    results: list[Result]
    signed_by: Signatory
    document_sha256: str | None
    warranty_ends: date


class AcceptanceFailed(DealEvent):
    attempt: int
    accepted_on: date
    results: list[Result]
    signed_by: Signatory
    rectifications: list[Rectification]
    document_sha256: str | None


# §五 receivables
class PaymentReceived(DealEvent):
    no: int
    received_on: date
    amount: Decimal
    reference: str
    milestone: str | None


class OverdueReasonRecorded(DealEvent):
    milestone: str
    reason: str


# §六 changes and exceptions
class ChangeRequested(DealEvent):
    no: int
    requested_on: date
    content: str
    reason: str
    impact: Impact


class ChangeAssessed(DealEvent):
    no: int
    role: str
    decision: str
    comment: str


class ChangeAgreed(DealEvent):
    no: int
    agreement_no: str
    signed_on: date
    customer_signatory: Signatory
    document_sha256: str
    amount: Decimal
    delivery_due: date | None


class DealLost(DealEvent):
    reason: str


class ComplaintReceived(DealEvent):
    no: int
    contact: str
    content: str
    owner: str


class ComplaintResponded(DealEvent):
    no: int
    note: str


class ComplaintResolved(DealEvent):
    no: int
    note: str


# records any deal keeps
class DocumentAttached(DealEvent):
    kind: str
    sha256: str
    note: str


class TaskDone(DealEvent):
    task: str
    ref: str
    note: str


EVENT_TYPES: tuple[type, ...] = (
    DealOpened, ContactAdded, ContactUpdated, CustomerUpdated, OwnerChanged, Graded,
    FollowUpLogged, CommitmentProposed, CommitmentConfirmed, CommitmentRejected,
    SurveySigned, ProposalSubmitted, ProposalReviewed, ProposalApproved,
    ProposalRejected, FeedbackRecorded, FeedbackResolved, ContractDrafted,
    ContractReviewed, ContractRejected, ContractSigned, OrderReviewed, OrderApproved,
    OrderRejected, Delivered, DelayReported, Accepted, AcceptanceFailed,
    PaymentReceived, OverdueReasonRecorded, ChangeRequested, ChangeAssessed,
    ChangeAgreed, DealLost, ComplaintReceived, ComplaintResponded, ComplaintResolved,
    DocumentAttached, TaskDone,
)
EVENTS_BY_NAME = {cls.__name__: cls for cls in EVENT_TYPES}
