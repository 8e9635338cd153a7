"""The event feed for downstream services (SPEC §8): the global log, in log order, as
CloudEvents 1.0 JSON.

Gap-free on every store: the library's recorders make insert order equal commit
order (PostgreSQL: ``LOCK TABLE … IN EXCLUSIVE MODE`` inside each inserting
transaction; SQLite: one writer at a time; memory: one lock), so what a reader can see
is a committed prefix of the log. A page is also bounded by the head read *before* the
page, so it never reaches past a position known to be committed. Gaps in positions are
left by rolled-back inserts (lost races) and are never filled later. See docs/feed.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from application import access
from application.users import ROLES, User
from domain.chain import plain
from domain.events import payload

#: The feed exposes every deal, so a sales rep (who reads only their own) may not read it.
FEED_ROLES = tuple(r for r in ROLES if r != "sales_rep")
SOURCE = "dealtrail"
MAX_LIMIT = 1000


def event_type(cls: type) -> str:
    """``dealtrail.deal.<EventName>.v<k>``: k is the version events are served in."""
    return f"dealtrail.deal.{cls.__name__}.v{getattr(cls, 'class_version', 1)}"


def cloud_event(event: Any, position: int) -> dict[str, Any]:
    """One (upcast) domain event as a CloudEvents 1.0 JSON object, plus its position,
    actor and business date."""
    return {
        "specversion": "1.0",
        "id": f"{event.originator_id}:{event.originator_version}",
        "source": SOURCE,
        "type": event_type(type(event)),
        "subject": str(event.originator_id),
        "time": plain(event.timestamp),
        "datacontenttype": "application/json",
        "data": plain(payload(event)),
        "position": position,
        "actor": plain(event.actor),
        "on": plain(event.on),
    }


@attrs.frozen
class Page:
    events: list[dict[str, Any]]
    next_after: int


class Feed:
    """Reads the application's notification log; decoding goes through the mapper, so
    stored old versions of an event are upcast on the way out."""

    def __init__(self, app: Application[Any]) -> None:
        self.app = app

    @staticmethod
    def authorize(user: User) -> None:
        access.require_any(user, FEED_ROLES, "reading the event feed")

    def head(self) -> int:
        """The last committed position (0 for an empty log)."""
        return self.app.recorder.max_notification_id() or 0

    def notifications(self, after: int, limit: int) -> Sequence[Notification]:
        """Notifications with positions in ``(after, head]``, at most ``limit``."""
        head = self.head()
        if head <= after:
            return []
        return self.app.recorder.select_notifications(
            after, limit, stop=head, inclusive_of_start=False)

    def events(self, after: int, limit: int) -> list[dict[str, Any]]:
        return [cloud_event(self.app.mapper.to_domain_event(n), n.id)
                for n in self.notifications(after, limit)]

    def page(self, user: User, after: int = 0, limit: int = 100) -> Page:
        """A page of the feed after position ``after``; ``next_after`` resumes it."""
        self.authorize(user)
        events = self.events(max(after, 0), min(max(limit, 1), MAX_LIMIT))
        return Page(events, events[-1]["position"] if events else max(after, 0))
