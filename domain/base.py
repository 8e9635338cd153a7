"""The Deal's core: state, the stage machine, event emission with the hash chain,
and the small checks every command shares."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from eventsourcing.domain import Aggregate

from domain.chain import GENESIS, link
from domain.errors import DomainError, require
from domain.policy import DEFAULT_POLICY, Policy
from domain.values import Actor, Contact, Customer

STAGES = (
    "opened", "graded", "surveyed", "proposal_approved", "contracted",
    "order_approved", "delivered", "accepted", "paid",
)
CLOSED = ("lost", "paid")

E = TypeVar("E")
HANDLERS: dict[type, Callable[[Any, Any], None]] = {}


def applies(event_class: type[E]) -> Callable[[Callable[[Any, E], None]], Callable[[Any, E], None]]:
    """Register the method that assigns an event's effect on the deal's state."""

    def register(fn: Callable[[Any, E], None]) -> Callable[[Any, E], None]:
        HANDLERS[event_class] = fn
        return fn

    return register


@attrs.frozen
class Context:
    """Who is acting and when: passed into every command, never read from a clock."""

    actor: Actor
    now: datetime
    today: date
    policy: Policy = DEFAULT_POLICY


class NotFoundInDeal(DomainError):
    """An id in the URL path (version, number, milestone) names nothing on this deal."""

    def __init__(self, kind: str, ref: object) -> None:
        super().__init__("NOT_FOUND", f"no {kind} {ref!r} on this deal", kind=kind, ref=str(ref))


class DealBase(Aggregate):
    def __init__(self) -> None:
        self.head_hash = GENESIS
        self.stage = "opened"
        self.stage_history: list[dict[str, Any]] = []
        self.owner = ""
        self.customer = Customer(name="")
        self.contacts: dict[str, Contact] = {}
        self.source = ""
        self.referrer: str | None = None
        self.currency = "CNY"
        self.grades: list[dict[str, Any]] = []
        self.follow_ups: list[dict[str, Any]] = []
        self.commitments: list[dict[str, Any]] = []
        self.survey: dict[str, Any] | None = None
        self.proposals: dict[str, dict[str, Any]] = {}
        self.contract: dict[str, Any] | None = None
        self.signature: dict[str, Any] | None = None
        self.delivery_due: date | None = None
        self.order: dict[str, Any] = {"round": 1, "reviews": {}, "status": "none"}
        self.deliveries: list[dict[str, Any]] = []
        self.delivery_completed_on: date | None = None
        self.delays: list[dict[str, Any]] = []
        self.acceptance: list[dict[str, Any]] = []
        self.accepted_on: date | None = None
        self.warranty_ends: date | None = None
        self.payments: list[dict[str, Any]] = []
        self.overdue_reasons: dict[str, str] = {}
        self.changes: list[dict[str, Any]] = []
        self.complaints: list[dict[str, Any]] = []
        self.documents: list[dict[str, Any]] = []
        self.tasks_done: list[dict[str, Any]] = []
        self.lost: dict[str, Any] | None = None

    if TYPE_CHECKING:  # defined by one mixin of Deal and used by others: typed here once
        @property
        def current_grade(self) -> str | None: ...
        @property
        def pending_commitments(self) -> list[int]: ...
        @property
        def amount(self) -> Decimal: ...
        @property
        def received(self) -> Decimal: ...
        @property
        def fully_delivered(self) -> bool: ...
        def delivered_quantities(self) -> Counter[str]: ...
        def unpaid_signing_milestones(self) -> list[str]: ...
        def advance_if_paid(self, on: date) -> None: ...

    # -- applying events ---------------------------------------------------------
    def when(self, event: Any) -> None:
        """Assign an event's effect: runs on every replay, so it only assigns."""
        self.head_hash = event.hash
        HANDLERS[type(event)](self, event)

    def advance(self, stage: str, on: date) -> None:
        """Move forward through the stages (never back); ``lost`` ends any open deal."""
        if stage == "lost" or STAGES.index(stage) > STAGES.index(self.stage):
            self.stage = stage
            self.stage_history.append({"stage": stage, "on": on})

    # -- emitting events ----------------------------------------------------------
    def emit(self, ctx: Context, event_class: type, on: date, **data: Any) -> None:
        """Trigger an event stamped with time, actor and its link in the hash chain."""
        self.trigger_event(event_class, **self.stamp(ctx, event_class, on, data), **data)

    def stamp(self, ctx: Context, event_class: type, on: date, data: dict[str, Any]) -> dict[str, Any]:
        return stamp(ctx, self.id, self.version + 1, self.head_hash, event_class, on, data)

    # -- shared checks -------------------------------------------------------------
    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED

    @property
    def is_signed(self) -> bool:
        return self.signature is not None

    def check_open(self) -> None:
        require(not self.is_closed, "DEAL_CLOSED", f"the deal is {self.stage}", stage=self.stage)

    @staticmethod
    def check_not_future(ctx: Context, **dates: date | None) -> None:
        for field, day in dates.items():
            if day is not None and day > ctx.today:
                raise DomainError(
                    "DATE_IN_FUTURE", f"{field} {day} is after today {ctx.today}",
                    field=field, value=str(day), today=str(ctx.today),
                )

    @staticmethod
    def check_order(later: date | None, earlier: date | None, what: str) -> None:
        if later is not None and earlier is not None and later < earlier:
            raise DomainError("DATE_ORDER", f"{what}: {later} is before {earlier}",
                              later=str(later), earlier=str(earlier), rule=what)

    def check_contact(self, name: str, field: str) -> None:
        require(name in self.contacts, "UNKNOWN_CONTACT",
                f"{name!r} is not a contact of this deal", field=field, name=name)

    @staticmethod
    def check_vague(ctx: Context, texts: dict[str, str]) -> None:
        for field, text in texts.items():
            word = vague_word(ctx.policy, text)
            if word is not None:
                raise DomainError("NO_VAGUE_TERMS", f"{field} uses vague wording {word!r}",
                                  field=field, word=word)

    @staticmethod
    def next_no(items: list[dict[str, Any]]) -> int:
        return len(items) + 1

    @staticmethod
    def numbered(items: list[dict[str, Any]], no: int, kind: str) -> dict[str, Any]:
        if not 1 <= no <= len(items):
            raise NotFoundInDeal(kind, no)
        return items[no - 1]


def stamp(ctx: Context, deal_id: Any, version: int, prev_hash: str, event_class: type,
          on: date, data: dict[str, Any]) -> dict[str, Any]:
    """The envelope of the next event: recorded time, business date, actor, hash link."""
    digest = link(prev_hash, deal_id=deal_id, version=version, type=event_class.__name__,
                  recorded_at=ctx.now, on=on, actor=ctx.actor, data=data)
    return {"timestamp": ctx.now, "on": on, "actor": ctx.actor,
            "prev_hash": prev_hash, "hash": digest}


def vague_word(policy: Policy, text: str) -> str | None:
    """The first vague word or phrase in ``text``, or None."""
    for word in policy.vague_words:
        if word in text:
            return word
    lowered = text.lower()
    for phrase in policy.vague_phrases:
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return phrase
    marks = "".join(policy.vague_before_number)
    if not marks:
        return None
    # 约 directly before a number, unless it ends a word (违约, 合约, 签约 …): those are
    # contract words, and 签约30日内 is precise
    for found in re.finditer(rf"[{re.escape(marks)}]\s?\d", text):
        start = found.start()
        if start == 0 or text[start - 1] not in policy.not_vague_before_yue:
            return found.group(0)
    return None
