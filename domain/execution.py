"""Manual §四: order approval (supervisor → production → finance), deliveries against
the contract, delays, and acceptance signed by the customer's decision maker."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from domain import events as ev
from domain.base import Context, DealBase, applies
from domain.contract import check_sequence
from domain.errors import require
from domain.money import add_months
from domain.proposal import review_record
from domain.values import Line, Rectification, Result, Signatory

ORDER_REVIEWERS = ("sales_supervisor", "production", "finance")


class Execution(DealBase):
    def review_order(self, ctx: Context, role: str, approve: bool, comment: str = "",
                     on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(self.is_signed, "ORDER_NEEDS_CONTRACT", "the contract is not signed")
        require(self.order["status"] != "approved", "ORDER_ALREADY_APPROVED",
                "the order is approved")
        check_sequence(ORDER_REVIEWERS, self.order["reviews"], role)
        day, rnd = on or ctx.today, self.order["round"]
        self.emit(ctx, ev.OrderReviewed, day, round=rnd, role=role,
                  decision="approve" if approve else "reject", comment=comment)
        if not approve:
            self.emit(ctx, ev.OrderRejected, day, round=rnd)
        elif set(self.order["reviews"]) == set(ORDER_REVIEWERS):
            self.emit(ctx, ev.OrderApproved, day, round=rnd)

    def deliver(self, ctx: Context, *, delivered_on: date, items: list[Line],
                received_by: Signatory, tracking_no: str = "", qc_report: str = "") -> None:
        self.check_open()
        self.check_not_future(ctx, delivered_on=delivered_on)
        require(self.order["status"] == "approved", "DELIVERY_NEEDS_ORDER_APPROVAL",
                "the order is not approved")
        unpaid = self.unpaid_signing_milestones()
        require(not unpaid, "DELIVERY_NEEDS_PREPAYMENT",
                "signing-triggered milestones must be paid in full first", milestones=unpaid)
        contracted = self.contracted_quantities()
        unknown = sorted({i.sku for i in items} - set(contracted))
        require(not unknown, "UNKNOWN_ITEM", "not a contract item", skus=unknown)
        after = self.delivered_quantities() + quantities(items)
        over = sorted(s for s in after if after[s] > contracted[s])
        require(not over, "DELIVERY_EXCEEDS_CONTRACT",
                "deliveries would exceed the contracted quantity", skus=over)
        self.check_contact(received_by.name, "received_by")
        assert self.signature is not None
        self.check_order(delivered_on, self.signature["signed_on"], "delivered_on ≥ signed_on")
        completes = all(after[s] >= q for s, q in contracted.items())
        self.emit(ctx, ev.Delivered, delivered_on, no=self.next_no(self.deliveries),
                  delivered_on=delivered_on, items=list(items), received_by=received_by,
                  tracking_no=tracking_no, qc_report=qc_report, completes=completes)

    def report_delay(self, ctx: Context, *, reported_on: date, cause: str, responsible: str,
                     new_due: date) -> None:
        self.check_open()
        self.check_not_future(ctx, reported_on=reported_on)
        require(self.is_signed, "DELAY_NEEDS_CONTRACT", "the contract is not signed")
        due = new_due if responsible != "us" else self.delivery_due
        assert due is not None
        self.emit(ctx, ev.DelayReported, reported_on, no=self.next_no(self.delays),
                  reported_on=reported_on, cause=cause, responsible=responsible,
                  new_due=new_due, delivery_due=due)

    def record_acceptance(self, ctx: Context, *, accepted_on: date, results: list[Result],
                          signed_by: Signatory, rectifications: list[Rectification],
                          document_sha256: str | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, accepted_on=accepted_on)
        require(self.is_signed and self.fully_delivered, "ACCEPTANCE_NEEDS_DELIVERY",
                "every contracted quantity must be delivered")
        self.check_contact(signed_by.name, "signed_by")
        require(self.contacts[signed_by.name].decision_maker,
                "ACCEPTANCE_SIGNER_NOT_DECISION_MAKER",
                f"{signed_by.name} is not a decision maker", name=signed_by.name)
        assert self.contract is not None
        wanted = sorted(c.item for c in self.contract["acceptance_criteria"])
        require(sorted(r.item for r in results) == wanted, "ACCEPTANCE_RESULTS_INCOMPLETE",
                "one result per acceptance criterion", criteria=wanted)
        passed = all(r.passed for r in results)
        require(passed or bool(rectifications), "ACCEPTANCE_NEEDS_RECTIFICATION",
                "a failed acceptance lists rectification items with due dates")
        require(self.accepted_on is None, "ALREADY_ACCEPTED", "the deal is accepted")
        self.check_order(accepted_on, self.deliveries[-1]["delivered_on"],
                         "accepted_on ≥ last delivery")
        common: dict[str, Any] = {"attempt": self.next_no(self.acceptance),
                                  "accepted_on": accepted_on, "results": list(results),
                                  "signed_by": signed_by, "document_sha256": document_sha256}
        if passed:
            ends = add_months(accepted_on, self.contract["warranty_months"])
            self.emit(ctx, ev.Accepted, accepted_on, warranty_ends=ends, **common)
        else:
            self.emit(ctx, ev.AcceptanceFailed, accepted_on,
                      rectifications=list(rectifications), **common)

    # -- derived -------------------------------------------------------------------------
    def contracted_quantities(self) -> Counter[str]:
        return quantities(self.contract["items"] if self.contract else [])

    def delivered_quantities(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for d in self.deliveries:
            total.update(quantities(d["items"]))
        return total

    @property
    def fully_delivered(self) -> bool:
        done = self.delivered_quantities()
        return bool(self.deliveries) and all(
            done[s] >= q for s, q in self.contracted_quantities().items())

    # -- state -----------------------------------------------------------------------------
    @applies(ev.OrderReviewed)
    def _order_reviewed(self, e: ev.OrderReviewed) -> None:
        self.order["reviews"][e.role] = review_record(e)
        self.order["status"] = "in_review"

    @applies(ev.OrderApproved)
    def _order_approved(self, e: ev.OrderApproved) -> None:
        self.order["status"] = "approved"
        self.order["approved_on"] = e.on
        self.advance("order_approved", e.on)

    @applies(ev.OrderRejected)
    def _order_rejected(self, e: ev.OrderRejected) -> None:
        self.order.setdefault("history", []).append(
            {"round": e.round, "reviews": self.order["reviews"], "status": "rejected"})
        self.order.update(round=e.round + 1, reviews={}, status="rejected")

    @applies(ev.Delivered)
    def _delivered(self, e: ev.Delivered) -> None:
        self.deliveries.append({"no": e.no, "delivered_on": e.delivered_on, "items": e.items,
                                "received_by": e.received_by, "tracking_no": e.tracking_no,
                                "qc_report": e.qc_report, "completes": e.completes})
        if e.completes:
            self.delivery_completed_on = e.delivered_on
            self.advance("delivered", e.on)

    @applies(ev.DelayReported)
    def _delayed(self, e: ev.DelayReported) -> None:
        self.delays.append({"no": e.no, "reported_on": e.reported_on, "cause": e.cause,
                            "responsible": e.responsible, "new_due": e.new_due})
        self.delivery_due = e.delivery_due

    @applies(ev.Accepted)
    def _accepted(self, e: ev.Accepted) -> None:
        self.acceptance.append(attempt_record(e, passed=True))
        self.accepted_on, self.warranty_ends = e.accepted_on, e.warranty_ends
        for change in self.changes:
            if change["status"] == "pending":
                change["status"] = "lapsed"
        self.advance("accepted", e.on)
        self.advance_if_paid(e.on)

    @applies(ev.AcceptanceFailed)
    def _acceptance_failed(self, e: ev.AcceptanceFailed) -> None:
        self.acceptance.append(attempt_record(e, passed=False))


def quantities(lines: Iterable[Line]) -> Counter[str]:
    """Quantity per sku, summing lines that repeat a sku (a dict would keep only the last)."""
    total: Counter[str] = Counter()
    for line in lines:
        total[line.sku] += line.quantity
    return total


def attempt_record(e: Any, passed: bool) -> dict[str, Any]:
    return {"attempt": e.attempt, "accepted_on": e.accepted_on, "passed": passed,
            "results": e.results, "signed_by": e.signed_by,
            "rectifications": getattr(e, "rectifications", []),
            "document_sha256": e.document_sha256}
