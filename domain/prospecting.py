"""Manual §一: opening a deal, contacts, customer information, grading, follow-ups and
the commitments made to the customer."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from domain import events as ev
from domain.base import Context, DealBase, NotFoundInDeal, applies
from domain.errors import DomainError, require
from domain.values import Contact, Customer


class Prospecting(DealBase):
    # -- commands ------------------------------------------------------------------
    def add_contact(self, ctx: Context, contact: Contact, on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(contact.name not in self.contacts, "CONTACT_EXISTS",
                f"{contact.name!r} is already a contact", name=contact.name)
        self.emit(ctx, ev.ContactAdded, on or ctx.today, contact=contact)

    def update_contact(self, ctx: Context, name: str, changes: dict[str, Any],
                       on: date | None = None) -> None:
        contact = attrs.evolve(self.contact(name), **changes)
        self.check_open()
        self.check_not_future(ctx, on=on)
        self.emit(ctx, ev.ContactUpdated, on or ctx.today, contact=contact)

    def update_customer(self, ctx: Context, changes: dict[str, Any],
                        on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        customer = attrs.evolve(self.customer, **changes)
        self.emit(ctx, ev.CustomerUpdated, on or ctx.today, customer=customer)

    def change_owner(self, ctx: Context, owner: str, on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        self.emit(ctx, ev.OwnerChanged, on or ctx.today, owner=owner)

    def grade(self, ctx: Context, grade: str, need: str, budget: str,
              decision_chain: str, note: str = "", on: date | None = None) -> None:
        self.check_open()
        self.check_not_future(ctx, on=on)
        missing = self.customer.missing_categories()
        require(not missing, "CUSTOMER_INFO_INCOMPLETE",
                "the manual's three categories of customer information are needed",
                missing=missing)
        check_grade_basis(grade, need, budget, decision_chain)
        self.emit(ctx, ev.Graded, on or ctx.today, grade=grade, need=need, budget=budget,
                  decision_chain=decision_chain, note=note)

    def log_follow_up(self, ctx: Context, *, channel: str, contact: str, summary: str,
                      feedback: str, next_step: str, next_step_due: date,
                      outcome: str = "", on: date | None = None) -> None:
        day = on or ctx.today
        self.check_not_future(ctx, on=day)
        self.check_contact(contact, "contact")
        self.check_order(next_step_due, day, "next_step_due ≥ on")
        self.emit(ctx, ev.FollowUpLogged, day, channel=channel, contact=contact,
                  summary=summary, feedback=feedback, next_step=next_step,
                  next_step_due=next_step_due, outcome=outcome)

    def propose_commitment(self, ctx: Context, text: str, made_on: date | None = None,
                           on: date | None = None) -> None:
        self.check_open()
        day = made_on or on or ctx.today
        self.check_not_future(ctx, made_on=day)
        self.emit(ctx, ev.CommitmentProposed, day, no=self.next_no(self.commitments),
                  text=text, made_on=day)

    def decide_commitment(self, ctx: Context, no: int, confirm: bool, comment: str = "",
                          on: date | None = None) -> None:
        commitment = self.numbered(self.commitments, no, "commitment")
        self.check_open()
        self.check_not_future(ctx, on=on)
        require(commitment["status"] == "proposed", "COMMITMENT_ALREADY_DECIDED",
                f"commitment {no} is already {commitment['status']}", no=no)
        event = ev.CommitmentConfirmed if confirm else ev.CommitmentRejected
        self.emit(ctx, event, on or ctx.today, no=no, comment=comment)

    def contact(self, name: str) -> Contact:
        if name not in self.contacts:
            raise NotFoundInDeal("contact", name)
        return self.contacts[name]

    # -- state -----------------------------------------------------------------------
    @property
    def current_grade(self) -> str | None:
        return self.grades[-1]["grade"] if self.grades else None

    @property
    def pending_commitments(self) -> list[int]:
        return [c["no"] for c in self.commitments if c["status"] == "proposed"]

    @applies(ev.DealOpened)
    def _opened(self, e: ev.DealOpened) -> None:
        self.customer = e.customer
        self.contacts = {c.name: c for c in e.contacts}
        self.source, self.referrer = e.source, e.referrer
        self.owner, self.currency = e.owner, e.currency
        self.stage_history.append({"stage": "opened", "on": e.on})

    @applies(ev.ContactAdded)
    def _contact_added(self, e: ev.ContactAdded) -> None:
        self.contacts[e.contact.name] = e.contact

    @applies(ev.ContactUpdated)
    def _contact_updated(self, e: ev.ContactUpdated) -> None:
        self.contacts[e.contact.name] = e.contact

    @applies(ev.CustomerUpdated)
    def _customer_updated(self, e: ev.CustomerUpdated) -> None:
        self.customer = e.customer

    @applies(ev.OwnerChanged)
    def _owner_changed(self, e: ev.OwnerChanged) -> None:
        self.owner = e.owner

    @applies(ev.Graded)
    def _graded(self, e: ev.Graded) -> None:
        self.grades.append({"grade": e.grade, "need": e.need, "budget": e.budget,
                            "decision_chain": e.decision_chain, "note": e.note, "on": e.on})
        self.advance("graded", e.on)

    @applies(ev.FollowUpLogged)
    def _followed_up(self, e: ev.FollowUpLogged) -> None:
        self.follow_ups.append({"on": e.on, "channel": e.channel, "contact": e.contact,
                                "summary": e.summary, "feedback": e.feedback,
                                "next_step": e.next_step, "next_step_due": e.next_step_due,
                                "outcome": e.outcome, "by": e.actor.name})

    @applies(ev.CommitmentProposed)
    def _commitment_proposed(self, e: ev.CommitmentProposed) -> None:
        self.commitments.append({"no": e.no, "text": e.text, "made_on": e.made_on,
                                 "status": "proposed", "decided_by": None,
                                 "decided_on": None, "comment": ""})

    @applies(ev.CommitmentConfirmed)
    def _commitment_confirmed(self, e: ev.CommitmentConfirmed) -> None:
        self._decided(e, "confirmed")

    @applies(ev.CommitmentRejected)
    def _commitment_rejected(self, e: ev.CommitmentRejected) -> None:
        self._decided(e, "rejected")

    def _decided(self, e: Any, status: str) -> None:
        self.commitments[e.no - 1].update(status=status, decided_by=e.actor.name,
                                          decided_on=e.on, comment=e.comment)


def check_grade_basis(grade: str, need: str, budget: str, decision_chain: str) -> None:
    """A: need clear, budget sufficient, chain clear. B: need clear or potential."""
    if grade == "A":
        ok = (need, budget, decision_chain) == ("clear", "sufficient", "clear")
    elif grade == "B":
        ok = need in ("clear", "potential")
    else:
        ok = True
    if not ok:
        raise DomainError("GRADE_BASIS", f"grade {grade} is not supported by the assessment",
                          grade=grade, need=need, budget=budget, decision_chain=decision_chain)


def check_opening(customer: Customer, contacts: list[Contact], source: str,
                  referrer: str | None) -> None:
    names = [c.name for c in contacts]
    dupes = sorted({n for n in names if names.count(n) > 1})
    require(not dupes, "CONTACT_EXISTS", "contact names must be unique", names=dupes)
    require(source != "referral" or bool(referrer and referrer.strip()),
            "REFERRAL_NEEDS_REFERRER", "a referral names its referrer")
