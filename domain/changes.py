"""Manual §六 and the records any deal keeps: change requests and supplementary
agreements, losing a deal, complaints, documents and closed agenda tasks."""

from __future__ import annotations

from datetime import date, timedelta

from domain import events as ev
from domain.base import Context, DealBase, applies
from domain.errors import require
from domain.execution import quantities
from domain.values import Impact, Signatory

CHANGE_ASSESSORS = ("sales_supervisor", "product_manager", "engineering")


class Changes(DealBase):
    def request_change(self, ctx: Context, *, requested_on: date, content: str, reason: str,
                       impact: Impact) -> None:
        self.check_open()
        self.check_not_future(ctx, requested_on=requested_on)
        require(self.is_signed, "CHANGE_NEEDS_CONTRACT", "the contract is not signed")
        require(self.accepted_on is None, "CHANGE_AFTER_ACCEPTANCE", "the deal is accepted")
        texts = {"content": content}
        texts.update({f"impact.acceptance_criteria[{i}]": f"{c.item} {c.standard}"
                      for i, c in enumerate(impact.acceptance_criteria or ())})
        self.check_vague(ctx, texts)
        self.emit(ctx, ev.ChangeRequested, requested_on, no=self.next_no(self.changes),
                  requested_on=requested_on, content=content, reason=reason, impact=impact)

    def assess_change(self, ctx: Context, no: int, role: str, feasible: bool,
                      comment: str = "", on: date | None = None) -> None:
        change = self.numbered(self.changes, no, "change")
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(change["status"] == "pending", "CHANGE_CLOSED", f"change {no} is "
                f"{change['status']}", status=change["status"])
        require(role not in change["assessments"], "ALREADY_REVIEWED",
                f"{role} has assessed change {no}", role=role)
        self.emit(ctx, ev.ChangeAssessed, on or ctx.today, no=no, role=role,
                  decision="feasible" if feasible else "infeasible", comment=comment)

    def agree_change(self, ctx: Context, no: int, *, agreement_no: str, signed_on: date,
                     customer_signatory: Signatory, document_sha256: str) -> None:
        change = self.numbered(self.changes, no, "change")
        self.check_open()
        self.check_not_future(ctx, signed_on=signed_on)
        require(change["status"] == "pending", "CHANGE_CLOSED", f"change {no} is "
                f"{change['status']}", status=change["status"])
        missing = [r for r in CHANGE_ASSESSORS if r not in change["assessments"]]
        require(not missing, "CHANGE_NOT_ASSESSED", "all three assessments are needed",
                missing=missing)
        against = [r for r, a in change["assessments"].items() if a["decision"] != "feasible"]
        require(not against, "CHANGE_INFEASIBLE", "assessed infeasible", by=against)
        self.check_contact(customer_signatory.name, "customer_signatory")
        impact: Impact = change["impact"]
        amount = self.amount + impact.amount_delta
        require(amount >= self.received, "CHANGE_BELOW_RECEIVED",
                "the new amount is below what was received",
                amount=str(amount), received=str(self.received))
        self.check_items_not_below_delivered(impact)
        self.check_order(signed_on, change["requested_on"], "signed_on ≥ requested_on")
        due = self.delivery_due + timedelta(days=impact.delivery_days_delta) \
            if self.delivery_due else None
        self.emit(ctx, ev.ChangeAgreed, signed_on, no=no, agreement_no=agreement_no,
                  signed_on=signed_on, customer_signatory=customer_signatory,
                  document_sha256=document_sha256, amount=amount, delivery_due=due)

    def check_items_not_below_delivered(self, impact: Impact) -> None:
        if impact.items is None:
            return
        new = quantities(impact.items)
        delivered = self.delivered_quantities()
        below = sorted(s for s, q in delivered.items() if new[s] < q)
        require(not below, "CHANGE_BELOW_DELIVERED",
                "new quantities are below what was delivered", skus=below)

    def mark_lost(self, ctx: Context, reason: str, on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(not self.is_signed, "DEAL_ALREADY_CONTRACTED", "a signed deal is not lost")
        self.emit(ctx, ev.DealLost, on or ctx.today, reason=reason)

    def receive_complaint(self, ctx: Context, *, contact: str, content: str, owner: str,
                          on: date | None = None) -> None:
        self.check_not_future(ctx, on=on)
        self.check_contact(contact, "from")
        self.emit(ctx, ev.ComplaintReceived, on or ctx.today,
                  no=self.next_no(self.complaints), contact=contact, content=content,
                  owner=owner)

    def respond_complaint(self, ctx: Context, no: int, note: str, on: date | None = None) -> None:
        complaint = self.numbered(self.complaints, no, "complaint")
        self.check_not_future(ctx, on=on)
        require(complaint["responded_on"] is None and complaint["resolved_on"] is None,
                "COMPLAINT_ALREADY_RESPONDED", f"complaint {no} has been answered", no=no)
        self.emit(ctx, ev.ComplaintResponded, on or ctx.today, no=no, note=note)

    def resolve_complaint(self, ctx: Context, no: int, note: str, on: date | None = None) -> None:
        complaint = self.numbered(self.complaints, no, "complaint")
        self.check_not_future(ctx, on=on)
        require(complaint["resolved_on"] is None, "COMPLAINT_ALREADY_RESOLVED",
                f"complaint {no} is resolved", no=no)
        self.check_order(on or ctx.today, complaint["on"], "resolved on ≥ received on")
        self.emit(ctx, ev.ComplaintResolved, on or ctx.today, no=no, note=note)

    def attach_document(self, ctx: Context, *, kind: str, sha256: str, note: str = "",
                        on: date | None = None) -> None:
        self.check_not_future(ctx, on=on)
        self.emit(ctx, ev.DocumentAttached, on or ctx.today, kind=kind, sha256=sha256,
                  note=note)

    def complete_task(self, ctx: Context, task: str, ref: str = "", note: str = "",
                      on: date | None = None) -> None:
        self.check_not_future(ctx, on=on)
        self.emit(ctx, ev.TaskDone, on or ctx.today, task=task, ref=ref, note=note)

    # -- state -------------------------------------------------------------------------------
    @applies(ev.ChangeRequested)
    def _change_requested(self, e: ev.ChangeRequested) -> None:
        self.changes.append({"no": e.no, "requested_on": e.requested_on, "content": e.content,
                             "reason": e.reason, "impact": e.impact, "status": "pending",
                             "assessments": {}, "agreement": None})

    @applies(ev.ChangeAssessed)
    def _change_assessed(self, e: ev.ChangeAssessed) -> None:
        self.changes[e.no - 1]["assessments"][e.role] = {
            "role": e.role, "decision": e.decision, "by": e.actor.name, "on": e.on,
            "at": e.timestamp, "comment": e.comment}

    @applies(ev.ChangeAgreed)
    def _change_agreed(self, e: ev.ChangeAgreed) -> None:
        assert self.contract is not None
        change = self.changes[e.no - 1]
        impact: Impact = change["impact"]
        change.update(status="agreed", agreement={
            "agreement_no": e.agreement_no, "signed_on": e.signed_on,
            "customer_signatory": e.customer_signatory, "document_sha256": e.document_sha256})
        self.contract["amount"] = e.amount
        if impact.acceptance_criteria is not None:
            self.contract["acceptance_criteria"] = list(impact.acceptance_criteria)
        if impact.items is not None:
            self.contract["items"] = list(impact.items)
        self.delivery_due = e.delivery_due
        if self.deliveries and self.fully_delivered and self.delivery_completed_on is None:
            self.delivery_completed_on = self.deliveries[-1]["delivered_on"]
            self.advance("delivered", e.on)

    @applies(ev.DealLost)
    def _lost(self, e: ev.DealLost) -> None:
        self.lost = {"on": e.on, "reason": e.reason, "by": e.actor.name}
        self.advance("lost", e.on)

    @applies(ev.ComplaintReceived)
    def _complaint(self, e: ev.ComplaintReceived) -> None:
        self.complaints.append({"no": e.no, "on": e.on, "at": e.timestamp, "from": e.contact,
                                "content": e.content, "owner": e.owner,
                                "responded_on": None, "response": None,
                                "resolved_on": None, "resolution": None})

    @applies(ev.ComplaintResponded)
    def _complaint_responded(self, e: ev.ComplaintResponded) -> None:
        self.complaints[e.no - 1].update(responded_on=e.on, response=e.note)

    @applies(ev.ComplaintResolved)
    def _complaint_resolved(self, e: ev.ComplaintResolved) -> None:
        self.complaints[e.no - 1].update(resolved_on=e.on, resolution=e.note)

    @applies(ev.DocumentAttached)
    def _document(self, e: ev.DocumentAttached) -> None:
        self.documents.append({"kind": e.kind, "sha256": e.sha256, "on": e.on,
                               "note": e.note, "by": e.actor.name})

    @applies(ev.TaskDone)
    def _task_done(self, e: ev.TaskDone) -> None:
        self.tasks_done.append({"task": e.task, "ref": e.ref, "on": e.on, "note": e.note,
                                "by": e.actor.name})

