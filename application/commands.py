"""Use cases, one per command of SPEC §4: who may act, and the one aggregate command."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from application import access
from application.core import DealtrailCore, Receipt
from application.errors import NotOwnerError
from application.users import User
from domain.changes import CHANGE_ASSESSORS
from domain.contract import CONTRACT_REVIEWERS
from domain.deal import Deal
from domain.execution import ORDER_REVIEWERS
from domain.proposal import PROPOSAL_REVIEWERS
from domain.values import Actor

V = int | None  # an optional expected version (If-Match)


class Commands(DealtrailCore):
    def _deal_step(self, user: User, deal_id: UUID, command: str, expected: V, /,
                   *args: Any, **fields: Any) -> Receipt:
        """A step of the deal's own: owner, supervisor or admin run ``Deal.<command>``."""
        return self._run(deal_id, self._step(user),
                         lambda d, c: getattr(d, command)(c, *args, **fields), expected)

    # -- §4.1 prospecting ---------------------------------------------------------------
    def open_deal(self, user: User, *, owner: str | None = None, deal_id: UUID | None = None,
                  **fields: Any) -> Receipt:
        access.require_any(user, access.STEP_ROLES, "opening a deal")
        owner = owner or user.name
        if owner != user.name and not user.has("sales_supervisor", "admin"):
            raise NotOwnerError("a sales rep opens deals for themself", owner=owner)
        self._check_sales_rep(owner)
        actor = access.step_actor(user, owner)
        deal = Deal.open(self._context(actor), deal_id or uuid4(), owner=owner, **fields)
        return self._save(deal)

    def add_contact(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "add_contact", expected, **f)

    def update_contact(self, user: User, deal_id: UUID, name: str, expected: V = None,
                       on: Any = None, **changes: Any) -> Receipt:
        return self._run(deal_id, self._step(user),
                         lambda d, c: d.update_contact(c, name, changes, on=on),
                         expected, [lambda d: d.contact(name)])

    def update_customer(self, user: User, deal_id: UUID, expected: V = None, on: Any = None,
                        **changes: Any) -> Receipt:
        return self._deal_step(user, deal_id, "update_customer", expected, changes, on=on)

    def change_owner(self, user: User, deal_id: UUID, owner: str, expected: V = None,
                     on: Any = None) -> Receipt:
        access.require_any(user, access.REASSIGN_ROLES, "reassigning a deal")
        self._check_sales_rep(owner)
        return self._run(deal_id, lambda d: access.step_actor(user, d.owner),
                         lambda d, c: d.change_owner(c, owner, on=on), expected)

    def grade(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "grade", expected, **f)

    def log_follow_up(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "log_follow_up", expected, **f)

    def propose_commitment(self, user: User, deal_id: UUID, expected: V = None,
                           **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "propose_commitment", expected, **f)

    def decide_commitment(self, user: User, deal_id: UUID, no: int, *, confirm: bool,
                          comment: str = "", role: str | None = None, on: Any = None,
                          expected: V = None) -> Receipt:
        return self._run(deal_id, self._review(user, ("sales_supervisor",), role),
                         lambda d, c: d.decide_commitment(c, no, confirm, comment, on=on),
                         expected, [lambda d: d.numbered(d.commitments, no, "commitment")])

    # -- §4.2 survey and proposals -----------------------------------------------------------
    def sign_survey(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "sign_survey", expected, **f)

    def submit_proposal(self, user: User, deal_id: UUID, expected: V = None,
                        **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "submit_proposal", expected, **f)

    def review_proposal(self, user: User, deal_id: UUID, proposal: str, *, approve: bool,
                        comment: str = "", role: str | None = None, on: Any = None,
                        expected: V = None) -> Receipt:
        return self._run(deal_id, self._review(user, PROPOSAL_REVIEWERS, role),
                         lambda d, c: d.review_proposal(c, proposal, c.actor.role, approve,
                                                        comment, on=on),
                         expected, [lambda d: d.proposal(proposal)])

    def record_feedback(self, user: User, deal_id: UUID, proposal: str, expected: V = None,
                        **f: Any) -> Receipt:
        self._check_user(f["owner"], "owner")
        return self._run(deal_id, self._step(user),
                         lambda d, c: d.record_feedback(c, proposal, **f), expected,
                         [lambda d: d.proposal(proposal)])

    def resolve_feedback(self, user: User, deal_id: UUID, proposal: str, no: int,
                         expected: V = None, **f: Any) -> Receipt:
        named = self._step(user, lambda d: d.feedback_item(proposal, no)["owner"])
        return self._run(deal_id, named,
                         lambda d, c: d.resolve_feedback(c, proposal, no, **f), expected,
                         [lambda d: d.feedback_item(proposal, no)])

    # -- §4.3 contract ---------------------------------------------------------------------
    def draft_contract(self, user: User, deal_id: UUID, expected: V = None,
                       **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "draft_contract", expected, **f)

    def review_contract(self, user: User, deal_id: UUID, *, approve: bool, comment: str = "",
                        role: str | None = None, on: Any = None, expected: V = None) -> Receipt:
        return self._run(deal_id, self._review(user, CONTRACT_REVIEWERS, role),
                         lambda d, c: d.review_contract(c, c.actor.role, approve, comment,
                                                        on=on), expected)

    def sign_contract(self, user: User, deal_id: UUID, expected: V = None,
                      **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "sign_contract", expected, **f)

    # -- §4.4-4.5 order, delivery, acceptance ----------------------------------------------------
    def review_order(self, user: User, deal_id: UUID, *, approve: bool, comment: str = "",
                     role: str | None = None, on: Any = None, expected: V = None) -> Receipt:
        return self._run(deal_id, self._review(user, ORDER_REVIEWERS, role),
                         lambda d, c: d.review_order(c, c.actor.role, approve, comment, on=on),
                         expected)

    def deliver(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "deliver", expected, **f)

    def report_delay(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "report_delay", expected, **f)

    def record_acceptance(self, user: User, deal_id: UUID, expected: V = None,
                          **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "record_acceptance", expected, **f)

    # -- §4.6 receivables -------------------------------------------------------------------------
    def receive_payment(self, user: User, deal_id: UUID, expected: V = None,
                        **f: Any) -> Receipt:
        access.require_any(user, access.PAYMENT_ROLES, "recording a payment")
        role = "finance" if user.has("finance") else "admin"
        return self._run(deal_id, lambda d: Actor(user.name, role),
                         lambda d, c: d.receive_payment(c, **f), expected)

    def record_overdue_reason(self, user: User, deal_id: UUID, milestone: str,
                              reason: str, on: Any = None, expected: V = None) -> Receipt:
        return self._run(deal_id, self._step(user),
                         lambda d, c: d.record_overdue_reason(c, milestone, reason, on=on),
                         expected, [lambda d: d.milestone(milestone)])

    # -- §4.7 changes and exceptions ------------------------------------------------------------
    def request_change(self, user: User, deal_id: UUID, expected: V = None,
                       **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "request_change", expected, **f)

    def assess_change(self, user: User, deal_id: UUID, no: int, *, feasible: bool,
                      comment: str = "", role: str | None = None, on: Any = None,
                      expected: V = None) -> Receipt:
        return self._run(deal_id, self._review(user, CHANGE_ASSESSORS, role),
                         lambda d, c: d.assess_change(c, no, c.actor.role, feasible, comment,
                                                      on=on),
                         expected, [lambda d: d.numbered(d.changes, no, "change")])

    def agree_change(self, user: User, deal_id: UUID, no: int, expected: V = None,
                     **f: Any) -> Receipt:
        return self._run(deal_id, self._step(user), lambda d, c: d.agree_change(c, no, **f),
                         expected, [lambda d: d.numbered(d.changes, no, "change")])

    def mark_lost(self, user: User, deal_id: UUID, expected: V = None, **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "mark_lost", expected, **f)

    def receive_complaint(self, user: User, deal_id: UUID, expected: V = None,
                          **f: Any) -> Receipt:
        self._check_user(f["owner"], "owner")
        return self._deal_step(user, deal_id, "receive_complaint", expected, **f)

    def respond_complaint(self, user: User, deal_id: UUID, no: int, expected: V = None,
                          **f: Any) -> Receipt:
        return self._complaint_step(user, deal_id, no, "respond_complaint", expected, f)

    def resolve_complaint(self, user: User, deal_id: UUID, no: int, expected: V = None,
                          **f: Any) -> Receipt:
        return self._complaint_step(user, deal_id, no, "resolve_complaint", expected, f)

    def _complaint_step(self, user: User, deal_id: UUID, no: int, command: str, expected: V,
                        f: dict[str, Any]) -> Receipt:
        def complaint(d: Deal) -> dict[str, Any]:
            return d.numbered(d.complaints, no, "complaint")

        return self._run(deal_id, self._step(user, lambda d: complaint(d)["owner"]),
                         lambda d, c: getattr(d, command)(c, no, **f), expected, [complaint])

    # -- §4.8 records -------------------------------------------------------------------------------
    def attach_document(self, user: User, deal_id: UUID, expected: V = None,
                        **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "attach_document", expected, **f)

    def complete_task(self, user: User, deal_id: UUID, task: str, expected: V = None,
                      **f: Any) -> Receipt:
        return self._deal_step(user, deal_id, "complete_task", expected, task, **f)
