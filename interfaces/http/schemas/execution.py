"""Bodies of manual §四-§五: order reviews, deliveries, delays, acceptance, payments."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from domain.values import Rectification, Result, Signatory
from interfaces.http.examples import example
from interfaces.http.schemas.common import (
    Body,
    Dated,
    Day,
    Decision,
    Flag,
    Name,
    PositiveMoney,
    Sha256,
    ShortText,
    Signer,
    Text,
)
from interfaces.http.schemas.contract import LineIn, lines


class OrderReview(Decision):
    model_config = ConfigDict(json_schema_extra=example("order_review"))

    decision: Literal["approve", "reject"]

    def command(self, _today: date) -> dict[str, Any]:
        return {"approve": self.decision == "approve", "comment": self.comment,
                "role": self.role, "on": self.on}


class DeliveryIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("delivery"))

    delivered_on: Day | None = None
    items: list[LineIn] = Field(min_length=1, max_length=200)
    received_by: Signer
    tracking_no: ShortText = ""
    qc_report: Text = ""

    @field_validator("items")
    @classmethod
    def _items(cls, items: list[LineIn]) -> list[LineIn]:
        return lines(items)

    def command(self, today: date) -> dict[str, Any]:
        return {"delivered_on": self.named_day(self.delivered_on, today),
                "items": [i.value() for i in self.items],
                "received_by": Signatory(self.received_by.name, self.received_by.title),
                "tracking_no": self.tracking_no, "qc_report": self.qc_report}


class DelayIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("delay"))

    reported_on: Day | None = None
    cause: Text = Field(min_length=1)
    responsible: Literal["us", "customer", "third_party"]
    new_due: Day

    def command(self, today: date) -> dict[str, Any]:
        return {"reported_on": self.named_day(self.reported_on, today), "cause": self.cause,
                "responsible": self.responsible, "new_due": self.new_due}


class ResultIn(Body):
    item: Name
    result: Text
    passed: Flag


class RectificationIn(Body):
    item: Name
    due: Day


class AcceptanceIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("acceptance"))

    accepted_on: Day | None = None
    results: list[ResultIn] = Field(max_length=100)
    signed_by: Signer
    rectifications: list[RectificationIn] = Field(default_factory=list, max_length=100)
    document_sha256: Sha256 | None = None

    def command(self, today: date) -> dict[str, Any]:
        return {"accepted_on": self.named_day(self.accepted_on, today),
                "results": [Result(r.item, r.result, r.passed) for r in self.results],
                "signed_by": Signatory(self.signed_by.name, self.signed_by.title),
                "rectifications": [Rectification(r.item, r.due) for r in self.rectifications],
                "document_sha256": self.document_sha256.lower() if self.document_sha256
                else None}


class PaymentIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("prepayment"))

    received_on: Day | None = None
    amount: PositiveMoney
    reference: ShortText = ""
    milestone: Name | None = None

    def command(self, today: date) -> dict[str, Any]:
        return {"received_on": self.named_day(self.received_on, today), "amount": self.amount,
                "reference": self.reference, "milestone": self.milestone}


class OverdueReasonIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("overdue_reason"))

    reason: Text = Field(min_length=1)

    def command(self, _today: date) -> dict[str, Any]:
        return {"reason": self.reason, "on": self.on}
