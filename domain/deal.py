"""The Deal aggregate: one B2B sale from prospect to last payment.

Each public method is a command: it checks the manual's rules in the SPEC's order,
computes anything non-deterministic (ids, dates, hashes) up front, and emits events
whose handlers only assign state.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain import events as ev
from domain.base import Context, stamp
from domain.chain import GENESIS
from domain.changes import Changes
from domain.contract import Contracting
from domain.errors import require
from domain.execution import Execution
from domain.proposal import Proposals
from domain.prospecting import Prospecting, check_opening
from domain.receivables import Receivables
from domain.values import Contact, Customer


class Deal(Changes, Receivables, Execution, Contracting, Proposals, Prospecting):
    @classmethod
    def open(cls, ctx: Context, deal_id: UUID, *, customer: Customer,
             contacts: list[Contact], source: str, referrer: str | None, owner: str,
             currency: str = "CNY", on: date | None = None) -> Deal:
        cls.check_not_future(ctx, on=on)
        require(bool(contacts), "CONTACT_REQUIRED", "a deal opens with at least one contact")
        check_opening(customer, contacts, source, referrer)
        data = {"customer": customer, "contacts": list(contacts), "source": source,
                "referrer": referrer, "owner": owner, "currency": currency}
        envelope = stamp(ctx, deal_id, 1, GENESIS, ev.DealOpened, on or ctx.today, data)
        return cls._create(ev.DealOpened, id=deal_id, **envelope, **data)
