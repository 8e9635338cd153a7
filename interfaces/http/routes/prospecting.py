"""Manual §一: contacts, customer information, owner, grade, follow-ups, commitments."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.http.deps import CommitmentDecider, Reassign, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer
from interfaces.http.schemas.prospecting import (
    CommitmentDecision,
    CommitmentIn,
    ContactIn,
    ContactUpdate,
    CustomerUpdate,
    FollowUpIn,
    GradeIn,
    OwnerIn,
)

router = APIRouter(prefix="/deals/{deal_id}", tags=["prospecting"], route_class=CommandRoute,
                   responses=ERRORS)


@router.post("/contacts")
def add_contact(deal_id: UUID, body: ContactIn, c: Step) -> CommandAnswer:
    """Add a customer-side contact (`ContactAdded`); names are unique on the deal."""
    return CommandAnswer.of(c.app.add_contact(c.user, deal_id, c.expected,
                                              **body.command(c.today)))


@router.put("/contacts/{name}")
def update_contact(deal_id: UUID, name: str, body: ContactUpdate, c: Step) -> CommandAnswer:
    """Change a contact's title, phone or decision-maker flag (`ContactUpdated`)."""
    return CommandAnswer.of(c.app.update_contact(c.user, deal_id, name, c.expected,
                                                 **body.command(c.today)))


@router.put("/customer")
def update_customer(deal_id: UUID, body: CustomerUpdate, c: Step) -> CommandAnswer:
    """Change any customer field (`CustomerUpdated`); fields left out stay as they are."""
    return CommandAnswer.of(c.app.update_customer(c.user, deal_id, c.expected,
                                                  **body.command(c.today)))


@router.post("/owner")
def change_owner(deal_id: UUID, body: OwnerIn, c: Reassign) -> CommandAnswer:
    """Reassign the deal to another `sales_rep` (`OwnerChanged`); supervisor or admin."""
    return CommandAnswer.of(c.app.change_owner(c.user, deal_id, expected=c.expected,
                                               **body.command(c.today)))


@router.post("/grade")
def grade(deal_id: UUID, body: GradeIn, c: Step) -> CommandAnswer:
    """Grade the customer A, B or C on the manual's basis (`Graded`); every grade is kept."""
    return CommandAnswer.of(c.app.grade(c.user, deal_id, c.expected, **body.command(c.today)))


@router.post("/follow-ups")
def log_follow_up(deal_id: UUID, body: FollowUpIn, c: Step) -> CommandAnswer:
    """Log a follow-up with a known contact and the next step (`FollowUpLogged`)."""
    return CommandAnswer.of(c.app.log_follow_up(c.user, deal_id, c.expected,
                                                **body.command(c.today)))


@router.post("/commitments")
def propose_commitment(deal_id: UUID, body: CommitmentIn, c: Step) -> CommandAnswer:
    """Record a promise made to the customer (`CommitmentProposed`), numbered 1, 2, …."""
    return CommandAnswer.of(c.app.propose_commitment(c.user, deal_id, c.expected,
                                                     **body.command(c.today)))


@router.post("/commitments/{no}/decision")
def decide_commitment(deal_id: UUID, no: int, body: CommitmentDecision,
                      c: CommitmentDecider) -> CommandAnswer:
    """A `sales_supervisor` confirms or rejects a commitment (never on their own deal)."""
    return CommandAnswer.of(c.app.decide_commitment(c.user, deal_id, no, expected=c.expected,
                                                    **body.command(c.today)))
