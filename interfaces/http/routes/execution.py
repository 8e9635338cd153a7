"""Manual §四-§五: order reviews, deliveries, delays, acceptance, payments."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.http.deps import OrderReviewer, Payment, Step
from interfaces.http.route import CommandRoute
from interfaces.http.schemas.answers import ERRORS, CommandAnswer
from interfaces.http.schemas.execution import (
    AcceptanceIn,
    DelayIn,
    DeliveryIn,
    OrderReview,
    OverdueReasonIn,
    PaymentIn,
)

router = APIRouter(prefix="/deals/{deal_id}", tags=["execution"], route_class=CommandRoute,
                   responses=ERRORS)


@router.post("/order/reviews")
def review_order(deal_id: UUID, body: OrderReview, c: OrderReviewer) -> CommandAnswer:
    """Supervisor → production → finance review the order after signing."""
    return CommandAnswer.of(c.app.review_order(c.user, deal_id, expected=c.expected,
                                               **body.command(c.today)))


@router.post("/deliveries")
def deliver(deal_id: UUID, body: DeliveryIn, c: Step) -> CommandAnswer:
    """Record a (partial) delivery received by a contact (`Delivered`)."""
    return CommandAnswer.of(c.app.deliver(c.user, deal_id, c.expected, **body.command(c.today)))


@router.post("/delays")
def report_delay(deal_id: UUID, body: DelayIn, c: Step) -> CommandAnswer:
    """Report a delivery delay; the due date moves only when we are not responsible."""
    return CommandAnswer.of(c.app.report_delay(c.user, deal_id, c.expected,
                                               **body.command(c.today)))


@router.post("/acceptance")
def record_acceptance(deal_id: UUID, body: AcceptanceIn, c: Step) -> CommandAnswer:
    """Record acceptance signed by a decision maker (`Accepted` or `AcceptanceFailed`)."""
    return CommandAnswer.of(c.app.record_acceptance(c.user, deal_id, c.expected,
                                                    **body.command(c.today)))


@router.post("/payments")
def receive_payment(deal_id: UUID, body: PaymentIn, c: Payment) -> CommandAnswer:
    """Finance records a payment; allocation to milestones is recomputed from all payments."""
    return CommandAnswer.of(c.app.receive_payment(c.user, deal_id, c.expected,
                                                  **body.command(c.today)))


@router.post("/receivables/{milestone}/overdue-reason")
def record_overdue_reason(deal_id: UUID, milestone: str, body: OverdueReasonIn,
                          c: Step) -> CommandAnswer:
    """Record why a milestone is overdue (`OverdueReasonRecorded`)."""
    return CommandAnswer.of(c.app.record_overdue_reason(c.user, deal_id, milestone,
                                                        expected=c.expected,
                                                        **body.command(c.today)))
