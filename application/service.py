"""The dealtrail application: commands (``application.commands``) and reads."""

from __future__ import annotations

from uuid import UUID

from application import access
from application.commands import Commands
from application.errors import DealNotFoundError
from application.users import User
from domain.deal import Deal


class Dealtrail(Commands):
    def read_deal(self, user: User, deal_id: UUID, version: int | None = None) -> Deal:
        """A deal the user may read (a rep's other deals answer 404, as if absent)."""
        access.require_any(user, (*access.READ_ALL_ROLES, "sales_rep"), "reading deals")
        deal = self.load(deal_id, version)
        if not access.can_read(user, deal.owner):
            raise DealNotFoundError(f"no deal {deal_id}", deal_id=str(deal_id))
        return deal
