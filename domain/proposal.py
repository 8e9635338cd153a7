"""Manual §二: the signed needs survey, proposal versions, their three reviews, and the
customer's feedback on an approved version."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from domain import events as ev
from domain.base import Context, DealBase, NotFoundInDeal, applies
from domain.errors import DomainError, require
from domain.values import Budget, DecisionFactor, Milestone, Need, ProposalItem, Response, Signatory

PROPOSAL_REVIEWERS = ("sales_supervisor", "product_manager", "legal")
HUNDRED = Decimal(100)


class Proposals(DealBase):
    def sign_survey(self, ctx: Context, *, surveyed_on: date, method: str,
                    needs: list[Need], decision_factors: list[DecisionFactor],
                    budget: Budget, signed_by: Signatory, signed_on: date) -> None:
        self.check_open()
        self.check_not_future(ctx, surveyed_on=surveyed_on, signed_on=signed_on)
        self.check_order(signed_on, surveyed_on, "signed_on ≥ surveyed_on")
        require(self.current_grade in ("A", "B"), "SURVEY_REQUIRES_GRADE",
                "a survey needs a current grade of A or B", grade=self.current_grade)
        require(not self.approved_versions, "SURVEY_LOCKED",
                "the survey cannot be replaced once a proposal is approved")
        require(len(needs) >= 1, "SURVEY_NEEDS", "a survey records at least one need")
        weights = sum((f.weight for f in decision_factors), Decimal(0))
        require(weights == HUNDRED, "SURVEY_WEIGHTS",
                "decision-factor weights must sum to 100", sum=str(weights))
        require(Decimal(0) < budget.min <= budget.max, "SURVEY_BUDGET",
                "the budget needs 0 < min ≤ max", min=str(budget.min), max=str(budget.max))
        self.check_contact(signed_by.name, "signed_by")
        self.emit(ctx, ev.SurveySigned, signed_on, surveyed_on=surveyed_on, method=method,
                  needs=list(needs), decision_factors=list(decision_factors), budget=budget,
                  signed_by=signed_by, signed_on=signed_on)

    def submit_proposal(self, ctx: Context, *, version: str, responses: list[Response],
                        items: list[ProposalItem], discount: Decimal, floor_price: Decimal,
                        payment_plan: list[Milestone], delivery_days: int,
                        expected_outcomes: list[str], cases: list[str],
                        on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(not self.is_signed, "CONTRACT_ALREADY_SIGNED", "the contract is signed")
        require(self.survey is not None, "PROPOSAL_NEEDS_SURVEY", "no signed survey")
        needs = len(self.survey["needs"]) if self.survey else 0
        covered = sorted(r.need for r in responses)
        require(covered == list(range(needs)), "PROPOSAL_COVERS_NEEDS",
                "one response per surveyed need", needs=needs, responses=covered)
        vague = [o for o in expected_outcomes if not re.search(r"\d", o)]
        require(bool(expected_outcomes) and not vague, "PROPOSAL_QUANTIFIED",
                "every expected outcome holds a number", outcomes=vague)
        total = sum((i.line_total for i in items), Decimal(0)) - discount
        require(total >= floor_price, "PRICE_FLOOR", "the total is below the floor price",
                total=str(total), floor=str(floor_price))
        check_sums_to_100(payment_plan)
        require(version not in self.proposals, "VERSION_EXISTS",
                f"version {version} exists", version=version)
        open_versions = [v for v, p in self.proposals.items() if p["status"] == "in_review"]
        self.emit(ctx, ev.ProposalSubmitted, on or ctx.today, version=version,
                  responses=list(responses), items=list(items), discount=discount,
                  floor_price=floor_price, total=total, payment_plan=list(payment_plan),
                  delivery_days=delivery_days, expected_outcomes=list(expected_outcomes),
                  cases=list(cases), supersedes=open_versions)

    def review_proposal(self, ctx: Context, version: str, role: str, approve: bool,
                        comment: str = "", on: date | None = None) -> None:
        proposal = self.proposal(version)
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(role not in proposal["reviews"], "ALREADY_REVIEWED",
                f"{role} has reviewed version {version}", role=role, version=version)
        require(proposal["status"] == "in_review", "PROPOSAL_NOT_IN_REVIEW",
                f"version {version} is {proposal['status']}", status=proposal["status"])
        day = on or ctx.today
        decision = "approve" if approve else "reject"
        self.emit(ctx, ev.ProposalReviewed, day, version=version, role=role,
                  decision=decision, comment=comment)
        if not approve:
            self.emit(ctx, ev.ProposalRejected, day, version=version)
        elif set(proposal["reviews"]) == set(PROPOSAL_REVIEWERS):
            self.emit(ctx, ev.ProposalApproved, day, version=version)

    def record_feedback(self, ctx: Context, version: str, *, contact: str, objection: str,
                        resolution: str, owner: str, due: date, major: bool = False,
                        on: date | None = None) -> None:
        proposal = self.proposal(version)
        self.check_open()
        day = on or ctx.today
        self.check_not_future(ctx, on=day)
        require(proposal["status"] == "approved", "PROPOSAL_NOT_APPROVED",
                f"version {version} has not been approved and presented", version=version)
        self.check_contact(contact, "from")
        self.check_order(due, day, "due ≥ on")
        self.emit(ctx, ev.FeedbackRecorded, day, version=version,
                  no=self.next_no(proposal["feedback"]), contact=contact,
                  objection=objection, resolution=resolution, owner=owner, due=due,
                  major=major)

    def resolve_feedback(self, ctx: Context, version: str, no: int, resolution: str,
                         on: date | None = None) -> None:
        item = self.feedback_item(version, no)
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(item["resolved_on"] is None, "FEEDBACK_ALREADY_RESOLVED",
                f"feedback {no} is resolved", no=no)
        self.emit(ctx, ev.FeedbackResolved, on or ctx.today, version=version, no=no,
                  resolution=resolution)

    # -- lookups -----------------------------------------------------------------------
    def proposal(self, version: str) -> dict[str, Any]:
        if version not in self.proposals:
            raise NotFoundInDeal("proposal version", version)
        return self.proposals[version]

    def feedback_item(self, version: str, no: int) -> dict[str, Any]:
        return self.numbered(self.proposal(version)["feedback"], no, "feedback")

    @property
    def approved_versions(self) -> list[str]:
        return [v for v, p in self.proposals.items() if p["status"] == "approved"]

    # -- state -------------------------------------------------------------------------
    @applies(ev.SurveySigned)
    def _surveyed(self, e: ev.SurveySigned) -> None:
        self.survey = {"surveyed_on": e.surveyed_on, "method": e.method, "needs": e.needs,
                       "decision_factors": e.decision_factors, "budget": e.budget,
                       "signed_by": e.signed_by, "signed_on": e.signed_on}
        self.advance("surveyed", e.on)

    @applies(ev.ProposalSubmitted)
    def _proposed(self, e: ev.ProposalSubmitted) -> None:
        for old in e.supersedes:
            self.proposals[old]["status"] = "superseded"
        self.proposals[e.version] = {
            "version": e.version, "submitted_on": e.on, "responses": e.responses,
            "items": e.items, "discount": e.discount, "floor_price": e.floor_price,
            "total": e.total, "payment_plan": e.payment_plan,
            "delivery_days": e.delivery_days, "expected_outcomes": e.expected_outcomes,
            "cases": e.cases, "status": "in_review", "reviews": {}, "feedback": [],
        }

    @applies(ev.ProposalReviewed)
    def _proposal_reviewed(self, e: ev.ProposalReviewed) -> None:
        self.proposals[e.version]["reviews"][e.role] = review_record(e)

    @applies(ev.ProposalApproved)
    def _proposal_approved(self, e: ev.ProposalApproved) -> None:
        self.proposals[e.version]["status"] = "approved"
        self.advance("proposal_approved", e.on)

    @applies(ev.ProposalRejected)
    def _proposal_rejected(self, e: ev.ProposalRejected) -> None:
        self.proposals[e.version]["status"] = "rejected"

    @applies(ev.FeedbackRecorded)
    def _feedback(self, e: ev.FeedbackRecorded) -> None:
        self.proposals[e.version]["feedback"].append({
            "no": e.no, "on": e.on, "from": e.contact, "objection": e.objection,
            "resolution": e.resolution, "owner": e.owner, "due": e.due, "major": e.major,
            "resolved_on": None,
        })

    @applies(ev.FeedbackResolved)
    def _feedback_resolved(self, e: ev.FeedbackResolved) -> None:
        item = self.proposals[e.version]["feedback"][e.no - 1]
        item.update(resolved_on=e.on, resolution=e.resolution)


def review_record(e: Any) -> dict[str, Any]:
    return {"role": e.role, "decision": e.decision, "by": e.actor.name,
            "on": e.on, "at": e.timestamp, "comment": e.comment}


def check_sums_to_100(plan: list[Milestone]) -> None:
    total = sum((m.percent for m in plan), Decimal(0))
    if total != HUNDRED:
        raise DomainError("MILESTONES_SUM_100", "the payment plan must sum to 100 per cent",
                          sum=str(total))
