"""Bodies of manual §三: the contract draft, its reviews and the signing."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from domain.values import Clauses, Criterion, Line, Parties, Party, Penalty, Signatory
from interfaces.http.examples import example
from interfaces.http.schemas.common import (
    Body,
    Dated,
    Day,
    Days,
    Months,
    Name,
    Percent,
    PositiveMoney,
    Quantity,
    Sha256,
    Signer,
    Text,
    unique,
)
from interfaces.http.schemas.proposal import MilestoneIn, milestones


class PartyIn(Body):
    name: Name
    address: Text = ""
    contact: Text = ""


class PartiesIn(Body):
    customer: PartyIn
    supplier: PartyIn

    def value(self) -> Parties:
        return Parties(Party(**self.customer.model_dump()), Party(**self.supplier.model_dump()))


class LineIn(Body):
    sku: Name
    quantity: Quantity

    def value(self) -> Line:
        return Line(self.sku, self.quantity)


def lines(items: list[LineIn]) -> list[LineIn]:
    unique([i.sku for i in items], "skus")
    return items


class PenaltyIn(Body):
    daily_percent: Percent
    cap_percent: Percent

    def value(self) -> Penalty:
        return Penalty(self.daily_percent, self.cap_percent)


class CriterionIn(Body):
    item: Name
    standard: Text

    def value(self) -> Criterion:
        return Criterion(self.item, self.standard)


class ClausesIn(Body):
    confidentiality: Text = ""
    breach: Text = ""
    dispute_resolution: Text = ""


class ContractIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("contract"))

    contract_no: Name
    based_on: Name
    parties: PartiesIn
    items: list[LineIn] = Field(min_length=1, max_length=200)
    amount: PositiveMoney
    payment_schedule: list[MilestoneIn] = Field(min_length=1, max_length=20)
    delivery_days: Days
    warranty_months: Months
    late_penalty: PenaltyIn
    late_payment_penalty: PenaltyIn
    acceptance_criteria: list[CriterionIn] = Field(max_length=100)
    clauses: ClausesIn

    @field_validator("payment_schedule")
    @classmethod
    def _schedule(cls, plan: list[MilestoneIn]) -> list[MilestoneIn]:
        return milestones(plan)

    @field_validator("items")
    @classmethod
    def _items(cls, items: list[LineIn]) -> list[LineIn]:
        return lines(items)

    def command(self, _today: date) -> dict[str, Any]:
        return {"contract_no": self.contract_no, "based_on": self.based_on,
                "parties": self.parties.value(), "items": [i.value() for i in self.items],
                "amount": self.amount,
                "payment_schedule": [m.value() for m in self.payment_schedule],
                "delivery_days": self.delivery_days, "warranty_months": self.warranty_months,
                "late_penalty": self.late_penalty.value(),
                "late_payment_penalty": self.late_payment_penalty.value(),
                "acceptance_criteria": [c.value() for c in self.acceptance_criteria],
                "clauses": Clauses(**self.clauses.model_dump()), "on": self.on}


class SignIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("sign"))

    signed_on: Day | None = None
    customer_signatory: Signer
    document_sha256: Sha256

    def command(self, today: date) -> dict[str, Any]:
        signer = self.customer_signatory
        return {"signed_on": self.named_day(self.signed_on, today),
                "customer_signatory": Signatory(signer.name, signer.title),
                "document_sha256": self.document_sha256.lower()}
