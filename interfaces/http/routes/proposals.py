"""Manual §二: the needs survey, proposal versions, their reviews, customer feedback."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.http.deps import NamedStep, ProposalReviewer, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer
from interfaces.http.schemas.proposal import (
    FeedbackIn,
    FeedbackResolution,
    ProposalIn,
    ProposalReview,
    SurveyIn,
)

router = APIRouter(prefix="/deals/{deal_id}", tags=["proposals"], route_class=CommandRoute,
                   responses=ERRORS)


@router.post("/survey")
def sign_survey(deal_id: UUID, body: SurveyIn, c: Step) -> CommandAnswer:
    """Record the needs survey signed by a contact (`SurveySigned`); grade A or B first."""
    return CommandAnswer.of(c.app.sign_survey(c.user, deal_id, c.expected,
                                              **body.command(c.today)))


@router.post("/proposals")
def submit_proposal(deal_id: UUID, body: ProposalIn, c: Step) -> CommandAnswer:
    """Submit a proposal version answering every surveyed need (`ProposalSubmitted`)."""
    return CommandAnswer.of(c.app.submit_proposal(c.user, deal_id, c.expected,
                                                  **body.command(c.today)))


@router.post("/proposals/{version}/reviews")
def review_proposal(deal_id: UUID, version: str, body: ProposalReview,
                    c: ProposalReviewer) -> CommandAnswer:
    """Supervisor, product manager and legal each review a version once, in any order."""
    return CommandAnswer.of(c.app.review_proposal(c.user, deal_id, version,
                                                  expected=c.expected,
                                                  **body.command(c.today)))


@router.post("/proposals/{version}/feedback")
def record_feedback(deal_id: UUID, version: str, body: FeedbackIn, c: Step) -> CommandAnswer:
    """Record the customer's objection to an approved version and who resolves it by when."""
    return CommandAnswer.of(c.app.record_feedback(c.user, deal_id, version, c.expected,
                                                  **body.command(c.today)))


@router.post("/proposals/{version}/feedback/{no}/resolve")
def resolve_feedback(deal_id: UUID, version: str, no: int, body: FeedbackResolution,
                     c: NamedStep) -> CommandAnswer:
    """Resolve a feedback item; its named owner may do so as well as the deal's owner."""
    return CommandAnswer.of(c.app.resolve_feedback(c.user, deal_id, version, no, c.expected,
                                                   **body.command(c.today)))
