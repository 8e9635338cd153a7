"""Manual §三: drafting the contract from an approved proposal, the strictly ordered
reviews (supervisor → legal → finance) and signing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain import events as ev
from domain.base import Context, DealBase, applies
from domain.errors import DomainError, require
from domain.money import cumulative_by_trigger
from domain.proposal import check_sums_to_100, review_record
from domain.values import Clauses, Criterion, Line, Milestone, Parties, Penalty, Signatory

CONTRACT_REVIEWERS = ("sales_supervisor", "legal", "finance")


class Contracting(DealBase):
    def draft_contract(self, ctx: Context, *, contract_no: str, based_on: str,
                       parties: Parties, items: list[Line], amount: Decimal,
                       payment_schedule: list[Milestone], delivery_days: int,
                       warranty_months: int, late_penalty: Penalty,
                       late_payment_penalty: Penalty, acceptance_criteria: list[Criterion],
                       clauses: Clauses, on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(not self.is_signed, "CONTRACT_ALREADY_SIGNED", "the contract is signed")
        proposal = self.proposals.get(based_on)
        require(proposal is not None and proposal["status"] == "approved",
                "CONTRACT_NEEDS_APPROVED_PROPOSAL",
                f"{based_on!r} is not an approved proposal version", based_on=based_on)
        assert proposal is not None
        check_items_match(items, proposal["items"])
        require(amount >= proposal["floor_price"], "PRICE_FLOOR",
                "the amount is below the proposal's floor price",
                amount=str(amount), floor=str(proposal["floor_price"]))
        require(amount <= proposal["total"], "CONTRACT_ABOVE_PROPOSAL",
                "the amount is above the proposal's total",
                amount=str(amount), total=str(proposal["total"]))
        if amount < proposal["total"]:
            check_concession(payment_schedule, proposal["payment_plan"])
        check_sums_to_100(payment_schedule)
        check_penalty(ctx, "late_penalty", late_penalty)
        check_penalty(ctx, "late_payment_penalty", late_payment_penalty)
        check_complete(parties, acceptance_criteria, clauses)
        self.check_vague(ctx, contract_texts(acceptance_criteria, clauses))
        revision = self.contract["revision"] + 1 if self.contract else 1
        self.emit(ctx, ev.ContractDrafted, on or ctx.today, revision=revision,
                  contract_no=contract_no, based_on=based_on, parties=parties,
                  items=list(items), amount=amount, payment_schedule=list(payment_schedule),
                  delivery_days=delivery_days, warranty_months=warranty_months,
                  late_penalty=late_penalty, late_payment_penalty=late_payment_penalty,
                  acceptance_criteria=list(acceptance_criteria), clauses=clauses)

    def review_contract(self, ctx: Context, role: str, approve: bool, comment: str = "",
                        on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(not self.is_signed, "CONTRACT_ALREADY_SIGNED", "the contract is signed")
        require(self.contract is not None, "CONTRACT_NOT_DRAFTED", "no contract drafted")
        assert self.contract is not None
        require(self.contract["status"] == "in_review", "CONTRACT_NOT_IN_REVIEW",
                f"revision {self.contract['revision']} is {self.contract['status']}")
        reviews = self.contract["reviews"]
        check_sequence(CONTRACT_REVIEWERS, reviews, role)
        day = on or ctx.today
        revision = self.contract["revision"]
        self.emit(ctx, ev.ContractReviewed, day, revision=revision, role=role,
                  decision="approve" if approve else "reject", comment=comment)
        if not approve:
            self.emit(ctx, ev.ContractRejected, day, revision=revision)

    def sign_contract(self, ctx: Context, *, signed_on: date, customer_signatory: Signatory,
                      document_sha256: str) -> None:
        self.check_open()
        self.check_not_future(ctx, signed_on=signed_on)
        require(not self.is_signed, "CONTRACT_ALREADY_SIGNED", "the contract is signed")
        require(self.contract_approved, "CONTRACT_NOT_REVIEWED",
                "supervisor, legal and finance must approve the current revision")
        assert self.contract is not None
        require(not self.pending_commitments, "COMMITMENTS_PENDING",
                "commitments await the supervisor's decision", nos=self.pending_commitments)
        self.check_contact(customer_signatory.name, "customer_signatory")
        surveyed_on = self.survey["surveyed_on"] if self.survey else None
        self.check_order(signed_on, surveyed_on, "signed_on ≥ surveyed_on")
        due = signed_on + timedelta(days=self.contract["delivery_days"])
        self.emit(ctx, ev.ContractSigned, signed_on, revision=self.contract["revision"],
                  signed_on=signed_on, customer_signatory=customer_signatory,
                  document_sha256=document_sha256, delivery_due=due)

    @property
    def contract_approved(self) -> bool:
        if self.contract is None:
            return False
        reviews = self.contract["reviews"]
        return all(reviews.get(r, {}).get("decision") == "approve" for r in CONTRACT_REVIEWERS)

    # -- state -----------------------------------------------------------------------
    @applies(ev.ContractDrafted)
    def _drafted(self, e: ev.ContractDrafted) -> None:
        self.contract = {
            "revision": e.revision, "contract_no": e.contract_no, "based_on": e.based_on,
            "parties": e.parties, "items": e.items, "amount": e.amount,
            "payment_schedule": e.payment_schedule, "delivery_days": e.delivery_days,
            "warranty_months": e.warranty_months, "late_penalty": e.late_penalty,
            "late_payment_penalty": e.late_payment_penalty,
            "acceptance_criteria": e.acceptance_criteria, "clauses": e.clauses,
            "drafted_on": e.on, "status": "in_review", "reviews": {},
        }

    @applies(ev.ContractReviewed)
    def _contract_reviewed(self, e: ev.ContractReviewed) -> None:
        assert self.contract is not None
        self.contract["reviews"][e.role] = review_record(e)

    @applies(ev.ContractRejected)
    def _contract_rejected(self, e: ev.ContractRejected) -> None:
        assert self.contract is not None
        self.contract["status"] = "rejected"

    @applies(ev.ContractSigned)
    def _signed(self, e: ev.ContractSigned) -> None:
        assert self.contract is not None
        self.contract["status"] = "signed"
        self.signature = {"revision": e.revision, "signed_on": e.signed_on,
                          "customer_signatory": e.customer_signatory,
                          "document_sha256": e.document_sha256, "by": e.actor.name}
        self.delivery_due = e.delivery_due
        self.advance("contracted", e.on)


def check_sequence(chain: tuple[str, ...], reviews: dict[str, Any], role: str) -> None:
    """Strict order: every earlier role must have approved; each role once per round."""
    earlier = chain[: chain.index(role)]
    waiting = [r for r in earlier if reviews.get(r, {}).get("decision") != "approve"]
    require(not waiting, "REVIEW_OUT_OF_ORDER", f"{role} reviews after {', '.join(waiting)}",
            role=role, waiting_for=waiting)
    require(role not in reviews, "ALREADY_REVIEWED", f"{role} has already reviewed",
            role=role)


def check_items_match(items: list[Line], proposed: list[Any]) -> None:
    ours = Counter((i.sku, i.quantity) for i in items)
    theirs = Counter((i.sku, i.quantity) for i in proposed)
    require(ours == theirs, "CONTRACT_ITEMS_MATCH",
            "contract items (sku, quantity) must equal the proposal's",
            contract=sorted(ours), proposal=sorted(theirs))


def check_concession(schedule: list[Milestone], plan: list[Milestone]) -> None:
    """A price below the proposal's total is traded for earlier payment: at every trigger
    the cumulative percent is ≥ the plan's, and > at one or more."""
    ours, theirs = cumulative_by_trigger(schedule), cumulative_by_trigger(plan)
    pairs = list(zip(ours, theirs, strict=True))
    ok = all(a >= b for a, b in pairs) and any(a > b for a, b in pairs)
    require(ok, "NO_UNILATERAL_CONCESSION",
            "a lower price must be traded for earlier payment",
            contract=[str(a) for a in ours], proposal=[str(b) for b in theirs])


def check_penalty(ctx: Context, field: str, penalty: Penalty) -> None:
    ok = penalty.daily_percent > 0 and 0 < penalty.cap_percent <= ctx.policy.max_penalty_cap_percent
    if not ok:
        raise DomainError("PENALTY_TERMS", f"{field} needs a daily rate > 0 and 0 < cap ≤ "
                          f"{ctx.policy.max_penalty_cap_percent}", field=field)


def check_complete(parties: Parties, criteria: list[Criterion], clauses: Clauses) -> None:
    missing = [name for name, party in (("customer", parties.customer),
                                        ("supplier", parties.supplier)) if not party.complete()]
    missing += [f"clauses.{k}" for k in ("confidentiality", "breach", "dispute_resolution")
                if not getattr(clauses, k).strip()]
    if not criteria:
        missing.append("acceptance_criteria")
    require(not missing, "CONTRACT_INCOMPLETE", "the contract misses required terms",
            missing=missing)


def contract_texts(criteria: list[Criterion], clauses: Clauses) -> dict[str, str]:
    texts = {f"acceptance_criteria[{i}]": f"{c.item} {c.standard}" for i, c in enumerate(criteria)}
    texts.update({f"clauses.{k}": getattr(clauses, k)
                  for k in ("confidentiality", "breach", "dispute_resolution")})
    return texts
