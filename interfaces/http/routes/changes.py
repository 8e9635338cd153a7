"""Manual §六 and the records any deal keeps: changes, lost, complaints, documents, tasks."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter

from interfaces.http.deps import ChangeAssessor, NamedStep, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer
from interfaces.http.schemas.changes import (
    AgreementIn,
    Assessment,
    ChangeIn,
    ComplaintIn,
    ComplaintNote,
    DocumentIn,
    LostIn,
    TaskDoneIn,
)

router = APIRouter(prefix="/deals/{deal_id}", tags=["changes and records"],
                   route_class=CommandRoute,
                   responses=ERRORS)
Task = Literal["first_contact", "follow_up_email", "industry_solution", "prepayment_notice",
               "collection_letter", "final_payment_reminder", "return_visit",
               "satisfaction_survey", "info_recheck", "delay_analysis"]


@router.post("/changes")
def request_change(deal_id: UUID, body: ChangeIn, c: Step) -> CommandAnswer:
    """Request a change to the signed contract (`ChangeRequested`), numbered 1, 2, …."""
    return CommandAnswer.of(c.app.request_change(c.user, deal_id, c.expected,
                                                 **body.command(c.today)))


@router.post("/changes/{no}/assessments")
def assess_change(deal_id: UUID, no: int, body: Assessment, c: ChangeAssessor) -> CommandAnswer:
    """Supervisor, product manager and engineering each assess a change once."""
    return CommandAnswer.of(c.app.assess_change(c.user, deal_id, no, expected=c.expected,
                                                **body.command(c.today)))


@router.post("/changes/{no}/agreement")
def agree_change(deal_id: UUID, no: int, body: AgreementIn, c: Step) -> CommandAnswer:
    """Record the supplementary agreement signed by the customer (`ChangeAgreed`)."""
    return CommandAnswer.of(c.app.agree_change(c.user, deal_id, no, c.expected,
                                               **body.command(c.today)))


@router.post("/lost")
def mark_lost(deal_id: UUID, body: LostIn, c: Step) -> CommandAnswer:
    """Close a deal that was not won (`DealLost`); only before signing."""
    return CommandAnswer.of(c.app.mark_lost(c.user, deal_id, c.expected, **body.command(c.today)))


@router.post("/complaints")
def receive_complaint(deal_id: UUID, body: ComplaintIn, c: Step) -> CommandAnswer:
    """Record a customer complaint and the user who owns it (`ComplaintReceived`)."""
    return CommandAnswer.of(c.app.receive_complaint(c.user, deal_id, c.expected,
                                                    **body.command(c.today)))


@router.post("/complaints/{no}/respond")
def respond_complaint(deal_id: UUID, no: int, body: ComplaintNote,
                      c: NamedStep) -> CommandAnswer:
    """Respond to a complaint (its named owner may, too) (`ComplaintResponded`)."""
    return CommandAnswer.of(c.app.respond_complaint(c.user, deal_id, no, c.expected,
                                                    **body.command(c.today)))


@router.post("/complaints/{no}/resolve")
def resolve_complaint(deal_id: UUID, no: int, body: ComplaintNote,
                      c: NamedStep) -> CommandAnswer:
    """Resolve a complaint (its named owner may, too) (`ComplaintResolved`)."""
    return CommandAnswer.of(c.app.resolve_complaint(c.user, deal_id, no, c.expected,
                                                    **body.command(c.today)))


@router.post("/documents")
def attach_document(deal_id: UUID, body: DocumentIn, c: Step) -> CommandAnswer:
    """Attach a document by its sha-256 (`DocumentAttached`)."""
    return CommandAnswer.of(c.app.attach_document(c.user, deal_id, c.expected,
                                                  **body.command(c.today)))


@router.post("/tasks/{task}/done")
def complete_task(deal_id: UUID, task: Task, body: TaskDoneIn, c: Step) -> CommandAnswer:
    """Close an agenda item that no other event closes (`TaskDone`)."""
    return CommandAnswer.of(c.app.complete_task(c.user, deal_id, task, c.expected,
                                                **body.command(c.today)))
