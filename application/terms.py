"""The terms in force on a date (SPEC §7), for disputes over what was agreed.

Replays the deal's events: the contract revision that was signed on or before the
date, then every change agreement signed on or before it (its impact comes from the
``ChangeRequested`` it agrees to; the new amount and delivery due from the
``ChangeAgreed`` itself), and the commitments made and confirmed by then. Business
dates decide (``signed_on``, ``made_on``, a decision's ``on``), not recorded times:
a dispute is about when the customer signed, not when someone typed it in.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from application.users import User
from application.views import jsonable
from domain import events as ev
from domain.money import split


class _Terms:
    """Accumulates the terms while the events are replayed in version order."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.drafts: dict[int, ev.ContractDrafted] = {}
        self.impacts: dict[int, Any] = {}
        self.contract: dict[str, Any] | None = None
        self.commitments: dict[int, dict[str, Any]] = {}
        self.sources: list[dict[str, Any]] = []

    def apply(self, e: Any) -> None:
        """Dispatch on the event's stored class name (methods ``_<EventName>``)."""
        handler = getattr(self, f"_{type(e).__name__}", None)
        if handler is not None:
            handler(e)

    def _ContractDrafted(self, e: ev.ContractDrafted) -> None:
        self.drafts[e.revision] = e

    def _ContractSigned(self, e: ev.ContractSigned) -> None:
        if e.signed_on > self.on:
            return
        d = self.drafts[e.revision]
        self.contract = {"contract_no": d.contract_no, "amount": d.amount,
                         "delivery_due": e.delivery_due, "schedule": list(d.payment_schedule),
                         "acceptance_criteria": list(d.acceptance_criteria),
                         "items": list(d.items)}
        self._source(e, e.signed_on, e.customer_signatory, e.document_sha256)

    def _ChangeRequested(self, e: ev.ChangeRequested) -> None:
        self.impacts[e.no] = e.impact

    def _ChangeAgreed(self, e: ev.ChangeAgreed) -> None:
        if e.signed_on > self.on or self.contract is None:
            return
        impact = self.impacts[e.no]
        self.contract["amount"] = e.amount
        self.contract["delivery_due"] = e.delivery_due
        if impact.acceptance_criteria is not None:
            self.contract["acceptance_criteria"] = list(impact.acceptance_criteria)
        if impact.items is not None:
            self.contract["items"] = list(impact.items)
        self._source(e, e.signed_on, e.customer_signatory, e.document_sha256,
                     change_no=e.no, agreement_no=e.agreement_no)

    def _CommitmentProposed(self, e: ev.CommitmentProposed) -> None:
        if e.made_on <= self.on:
            self.commitments[e.no] = {"no": e.no, "text": e.text, "made_on": e.made_on,
                                      "made_by": e.actor.name}

    def _CommitmentConfirmed(self, e: ev.CommitmentConfirmed) -> None:
        made = self.commitments.get(e.no)
        if made is not None and e.on <= self.on:
            made.update(confirmed_on=e.on, confirmed_by=e.actor.name, version=e.originator_version)

    def _source(self, e: Any, signed_on: date, signatory: Any, sha256: str,
                **extra: Any) -> None:
        self.sources.append({"type": type(e).__name__, "version": e.originator_version,
                             "signed_on": signed_on, "signatory": signatory,
                             "document_sha256": sha256, "recorded_at": e.timestamp,
                             "recorded_by": e.actor, **extra})

    def answer(self) -> dict[str, Any]:
        c = self.contract or {}
        schedule = c.get("schedule", [])
        amounts = split(c["amount"], schedule) if c else []
        return jsonable({  # type: ignore[no-any-return]  # jsonable keeps a dict a dict
            "on": self.on, "contract_no": c.get("contract_no"), "amount": c.get("amount"),
            "delivery_due": c.get("delivery_due"),
            "payment_schedule": [{**jsonable(m), "amount": a}
                                 for m, a in zip(schedule, amounts, strict=True)],
            "acceptance_criteria": c.get("acceptance_criteria", []),
            "items": c.get("items", []),
            "commitments": [m for m in self.commitments.values() if "confirmed_on" in m],
            "sources": self.sources,
        })


def terms_on(app: Any, user: User, deal_id: UUID, on: date) -> dict[str, Any]:
    """The contract's terms in force on ``on``; with no contract signed by then, the
    contract fields are null and only the confirmed commitments are listed."""
    app.read_deal(user, deal_id)  # 403 / 404 as for reading the deal
    terms = _Terms(on)
    for event in app.events.get(deal_id):
        terms.apply(event)
    return terms.answer()
