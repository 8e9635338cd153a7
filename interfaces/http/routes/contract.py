"""Manual §三: drafting the contract, its ordered reviews, and signing."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.http.deps import ContractReviewer, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer
from interfaces.http.schemas.contract import ContractIn, SignIn
from interfaces.http.schemas.proposal import ProposalReview

router = APIRouter(prefix="/deals/{deal_id}/contract", tags=["contract"],
                   route_class=CommandRoute,
                   responses=ERRORS)


@router.post("")
def draft_contract(deal_id: UUID, body: ContractIn, c: Step) -> CommandAnswer:
    """Draft a contract revision from an approved proposal version (`ContractDrafted`)."""
    return CommandAnswer.of(c.app.draft_contract(c.user, deal_id, c.expected,
                                                 **body.command(c.today)))


@router.post("/reviews")
def review_contract(deal_id: UUID, body: ProposalReview, c: ContractReviewer) -> CommandAnswer:
    """Supervisor → legal → finance review the current revision, strictly in that order."""
    return CommandAnswer.of(c.app.review_contract(c.user, deal_id, expected=c.expected,
                                                  **body.command(c.today)))


@router.post("/sign")
def sign_contract(deal_id: UUID, body: SignIn, c: Step) -> CommandAnswer:
    """Record the signed contract and the sha-256 of its scan (`ContractSigned`)."""
    return CommandAnswer.of(c.app.sign_contract(c.user, deal_id, c.expected,
                                                **body.command(c.today)))
