"""Value objects: frozen attrs classes, stored in events through one generic transcoding.

Choices are plain strings checked against tuples (not StrEnum, which the JSON store
would hand back as ``str``). Sequences are tuples here; the transcoding rebuilds them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from attrs import validators as v

SOURCES = ("exhibition", "website", "third_party", "referral", "social", "other")
GRADES = ("A", "B", "C")
NEED_LEVELS = ("clear", "potential", "vague")
BUDGET_LEVELS = ("sufficient", "unclear", "insufficient")
CHAIN_LEVELS = ("clear", "complex", "unknown")
CHANNELS = ("phone", "visit", "email", "video", "other")
SURVEY_METHODS = ("onsite", "video", "questionnaire")
PRIORITIES = ("high", "medium", "low")
ITEM_KINDS = ("hardware", "software", "service")
TRIGGERS = ("signing", "delivery", "acceptance", "warranty_end")
RESPONSIBLE = ("us", "customer", "third_party")
DOCUMENT_KINDS = ("contract", "acceptance", "agreement", "survey", "other")
TASKS = (
    "first_contact",
    "follow_up_email",
    "industry_solution",
    "prepayment_notice",
    "collection_letter",
    "final_payment_reminder",
    "return_visit",
    "satisfaction_survey",
    "info_recheck",
    "delay_analysis",
)
CENT = Decimal("0.01")


def _tuple_of(cls: type) -> Any:
    """Converter: a list of dicts or instances becomes a tuple of ``cls``."""

    def convert(items: Any) -> tuple[Any, ...]:
        return tuple(i if isinstance(i, cls) else cls(**i) for i in items)

    return convert


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


@attrs.frozen
class Actor:
    """Who caused an event: a user's name and the role they acted in."""

    name: str
    role: str


@attrs.frozen
class Contact:
    """A person on the customer's side (not a user of dealtrail)."""

    name: str
    title: str = ""
    decision_maker: bool = False
    phone: str = ""


@attrs.frozen
class Signatory:
    name: str
    title: str = ""


@attrs.frozen
class Customer:
    """The customer's profile; address, business and needs are the manual's three categories."""

    name: str
    industry: str = ""
    employees: int | None = None
    annual_revenue: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    address: str = ""
    business: str = ""
    needs: str = ""
    strategic: bool = False

    def missing_categories(self) -> list[str]:
        return [f for f in ("address", "business", "needs") if not getattr(self, f).strip()]


@attrs.frozen
class Need:
    category: str
    current: str
    target: str
    priority: str = attrs.field(validator=v.in_(PRIORITIES))


@attrs.frozen
class DecisionFactor:
    factor: str
    weight: Decimal = attrs.field(converter=_decimal)


@attrs.frozen
class Budget:
    min: Decimal = attrs.field(converter=_decimal)
    max: Decimal = attrs.field(converter=_decimal)


@attrs.frozen
class Milestone:
    """A payment milestone: ``percent`` of the amount, due ``days`` after ``trigger``."""

    milestone: str
    percent: Decimal = attrs.field(converter=_decimal)
    trigger: str = attrs.field(validator=v.in_(TRIGGERS))
    days: int = 0


@attrs.frozen
class ProposalItem:
    sku: str
    description: str
    kind: str = attrs.field(validator=v.in_(ITEM_KINDS))
    quantity: int = 1
    unit_price: Decimal = attrs.field(default=Decimal(0), converter=_decimal)

    @property
    def line_total(self) -> Decimal:
        return self.quantity * self.unit_price


@attrs.frozen
class Response:
    need: int
    response: str


@attrs.frozen
class Line:
    """A contracted (or delivered) quantity of one sku."""

    sku: str
    quantity: int


@attrs.frozen
class Party:
    name: str = ""
    address: str = ""
    contact: str = ""

    def complete(self) -> bool:
        return all(s.strip() for s in (self.name, self.address, self.contact))


@attrs.frozen
class Parties:
    customer: Party
    supplier: Party


@attrs.frozen
class Penalty:
    daily_percent: Decimal = attrs.field(converter=_decimal)
    cap_percent: Decimal = attrs.field(converter=_decimal)


@attrs.frozen
class Criterion:
    item: str
    standard: str


@attrs.frozen
class Clauses:
    confidentiality: str = ""
    breach: str = ""
    dispute_resolution: str = ""


@attrs.frozen
class Result:
    item: str
    result: str
    passed: bool


@attrs.frozen
class Rectification:
    item: str
    due: date


def _criteria_or_none(items: Any) -> tuple[Criterion, ...] | None:
    return None if items is None else tuple(_tuple_of(Criterion)(items))


def _lines_or_none(items: Any) -> tuple[Line, ...] | None:
    return None if items is None else tuple(_tuple_of(Line)(items))


@attrs.frozen
class Impact:
    """What a change request would do to the contract once agreed."""

    amount_delta: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    delivery_days_delta: int = 0
    acceptance_criteria: tuple[Criterion, ...] | None = attrs.field(
        default=None, converter=_criteria_or_none
    )
    items: tuple[Line, ...] | None = attrs.field(
        default=None, converter=_lines_or_none
    )


VALUE_TYPES: tuple[type, ...] = (
    Actor,
    Contact,
    Signatory,
    Customer,
    Need,
    DecisionFactor,
    Budget,
    Milestone,
    ProposalItem,
    Response,
    Line,
    Party,
    Parties,
    Penalty,
    Criterion,
    Clauses,
    Result,
    Rectification,
    Impact,
)
