"""Bodies of manual §六 and the records any deal keeps: changes, agreements, losing a
deal, complaints, documents and closed agenda tasks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from domain.values import Impact, Signatory
from interfaces.http.examples import example
from interfaces.http.schemas.common import (
    Body,
    Dated,
    Day,
    DayDelta,
    Decision,
    Money,
    Name,
    Sha256,
    ShortText,
    Signer,
    Text,
)
from interfaces.http.schemas.contract import CriterionIn, LineIn, lines


class ImpactIn(Body):
    amount_delta: Money = Field(default=Decimal(0))
    delivery_days_delta: DayDelta = 0
    acceptance_criteria: list[CriterionIn] | None = Field(default=None, max_length=100)
    items: list[LineIn] | None = Field(default=None, max_length=200)

    @field_validator("items")
    @classmethod
    def _items(cls, items: list[LineIn] | None) -> list[LineIn] | None:
        return None if items is None else lines(items)

    def value(self) -> Impact:
        criteria = self.acceptance_criteria
        return Impact(self.amount_delta, self.delivery_days_delta,
                      None if criteria is None else [c.value() for c in criteria],
                      None if self.items is None else [i.value() for i in self.items])


class ChangeIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("change"))

    requested_on: Day | None = None
    content: Text = Field(min_length=1)
    reason: Text = ""
    impact: ImpactIn = Field(default_factory=ImpactIn)

    def command(self, today: date) -> dict[str, Any]:
        return {"requested_on": self.named_day(self.requested_on, today),
                "content": self.content, "reason": self.reason, "impact": self.impact.value()}


class Assessment(Decision):
    model_config = ConfigDict(json_schema_extra=example("assessment"))

    decision: Literal["feasible", "infeasible"]

    def command(self, _today: date) -> dict[str, Any]:
        return {"feasible": self.decision == "feasible", "comment": self.comment,
                "role": self.role, "on": self.on}


class AgreementIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("agreement"))

    agreement_no: Name
    signed_on: Day | None = None
    customer_signatory: Signer
    document_sha256: Sha256

    def command(self, today: date) -> dict[str, Any]:
        signer = self.customer_signatory
        return {"agreement_no": self.agreement_no,
                "signed_on": self.named_day(self.signed_on, today),
                "customer_signatory": Signatory(signer.name, signer.title),
                "document_sha256": self.document_sha256.lower()}


class LostIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("lost"))

    reason: Text = Field(min_length=1)

    def command(self, _today: date) -> dict[str, Any]:
        return {"reason": self.reason, "on": self.on}


class ComplaintIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("complaint"))

    contact: Name = Field(alias="from")
    content: Text = Field(min_length=1)
    owner: Name

    def command(self, _today: date) -> dict[str, Any]:
        return {"contact": self.contact, "content": self.content, "owner": self.owner,
                "on": self.on}


class ComplaintNote(Dated):
    model_config = ConfigDict(json_schema_extra=example("complaint_note"))

    note: Text = ""

    def command(self, _today: date) -> dict[str, Any]:
        return {"note": self.note, "on": self.on}


class DocumentIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("document"))

    kind: Literal["contract", "acceptance", "agreement", "survey", "other"]
    sha256: Sha256
    note: Text = ""

    def command(self, _today: date) -> dict[str, Any]:
        return {"kind": self.kind, "sha256": self.sha256.lower(), "note": self.note,
                "on": self.on}


class TaskDoneIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("task_done"))

    note: Text = ""
    ref: ShortText = ""

    def command(self, _today: date) -> dict[str, Any]:
        return {"note": self.note, "ref": self.ref, "on": self.on}
