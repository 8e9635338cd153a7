"""Bodies of manual §一: opening a deal, contacts, customer, owner, grade, follow-ups
and commitments."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from domain.values import Contact, Customer
from interfaces.http.examples import example
from interfaces.http.schemas.common import (
    Body,
    Count,
    Dated,
    Day,
    Decision,
    Flag,
    Name,
    NonNegativeMoney,
    ShortText,
    Text,
    unique,
)


class CustomerIn(Body):
    name: Name
    industry: ShortText = ""
    employees: Count | None = None
    annual_revenue: NonNegativeMoney | None = None
    address: Text = ""
    business: Text = ""
    needs: Text = ""
    strategic: Flag = False


class ContactIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("contact"))

    name: Name
    title: ShortText = ""
    decision_maker: Flag = False
    phone: ShortText = ""

    def value(self) -> Contact:
        return Contact(self.name, self.title, self.decision_maker, self.phone)

    def command(self, _today: date) -> dict[str, Any]:
        return {"contact": self.value(), "on": self.on}


class OpenDeal(Dated):
    model_config = ConfigDict(json_schema_extra=example("open"))

    customer: CustomerIn
    contacts: list[ContactIn] = Field(min_length=1, max_length=100)
    source: Literal["exhibition", "website", "third_party", "referral", "social", "other"]
    referrer: ShortText | None = None
    owner: Name | None = None
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")

    @field_validator("contacts")
    @classmethod
    def _unique_names(cls, contacts: list[ContactIn]) -> list[ContactIn]:
        unique([c.name for c in contacts], "contact names")
        return contacts

    def command(self, _today: date) -> dict[str, Any]:
        return {"customer": Customer(**self.customer.model_dump()),
                "contacts": [c.value() for c in self.contacts], "source": self.source,
                "referrer": self.referrer, "owner": self.owner, "currency": self.currency,
                "on": self.on}


class ContactUpdate(Dated):
    model_config = ConfigDict(json_schema_extra=example("contact_update"))

    title: ShortText | None = None
    phone: ShortText | None = None
    decision_maker: Flag | None = None

    def command(self, _today: date) -> dict[str, Any]:
        return self.model_dump(exclude_none=True) | {"on": self.on}


class CustomerUpdate(Dated):
    model_config = ConfigDict(json_schema_extra=example("customer"))

    name: Name | None = None
    industry: ShortText | None = None
    employees: Count | None = None
    annual_revenue: NonNegativeMoney | None = None
    address: Text | None = None
    business: Text | None = None
    needs: Text | None = None
    strategic: Flag | None = None

    def command(self, _today: date) -> dict[str, Any]:
        return self.model_dump(exclude_none=True) | {"on": self.on}


class OwnerIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("owner"))

    owner: Name

    def command(self, _today: date) -> dict[str, Any]:
        return {"owner": self.owner, "on": self.on}


class GradeIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("grade"))

    grade: Literal["A", "B", "C"]
    need: Literal["clear", "potential", "vague"]
    budget: Literal["sufficient", "unclear", "insufficient"]
    decision_chain: Literal["clear", "complex", "unknown"]
    note: Text = ""

    def command(self, _today: date) -> dict[str, Any]:
        return self.model_dump()


class FollowUpIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("follow_up"))

    channel: Literal["phone", "visit", "email", "video", "other"]
    contact: Name
    summary: Text
    feedback: Text = ""
    next_step: Text = Field(min_length=1)
    next_step_due: Day

    def command(self, _today: date) -> dict[str, Any]:
        return self.model_dump()


class CommitmentIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("commitment"))

    text: Text = Field(min_length=1)
    made_on: Day | None = None

    def command(self, _today: date) -> dict[str, Any]:
        return {"text": self.text, "made_on": self.made_on, "on": self.on}


class CommitmentDecision(Decision):
    model_config = ConfigDict(json_schema_extra=example("commitment_decision"))

    decision: Literal["confirm", "reject"]

    def command(self, _today: date) -> dict[str, Any]:
        return {"confirm": self.decision == "confirm", "comment": self.comment,
                "role": self.role, "on": self.on}
