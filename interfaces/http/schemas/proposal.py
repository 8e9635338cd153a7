"""Bodies of manual §二: the needs survey, proposal versions, reviews and feedback."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from domain.values import (
    Budget,
    DecisionFactor,
    Milestone,
    Need,
    ProposalItem,
    Response,
    Signatory,
)
from interfaces.http.examples import example
from interfaces.http.schemas.common import (
    Body,
    Count,
    Dated,
    Day,
    Days,
    Decision,
    Flag,
    Name,
    NonNegativeMoney,
    Percent,
    Quantity,
    Signer,
    Text,
    unique,
)


class NeedIn(Body):
    category: Name
    current: Text
    target: Text
    priority: Literal["high", "medium", "low"]


class FactorIn(Body):
    factor: Name
    weight: Percent


class BudgetIn(Body):
    min: NonNegativeMoney
    max: NonNegativeMoney


class MilestoneIn(Body):
    milestone: Name
    percent: Percent
    trigger: Literal["signing", "delivery", "acceptance", "warranty_end"]
    days: Days = 0

    def value(self) -> Milestone:
        return Milestone(self.milestone, self.percent, self.trigger, self.days)


def milestones(plan: list[MilestoneIn]) -> list[MilestoneIn]:
    unique([m.milestone for m in plan], "milestone names")
    return plan


class SurveyIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("survey"))

    surveyed_on: Day | None = None
    method: Literal["onsite", "video", "questionnaire"]
    needs: list[NeedIn] = Field(max_length=100)
    decision_factors: list[FactorIn] = Field(max_length=100)
    budget: BudgetIn
    signed_by: Signer
    signed_on: Day | None = None

    def command(self, today: date) -> dict[str, Any]:
        return {"surveyed_on": self.named_day(self.surveyed_on, today), "method": self.method,
                "needs": [Need(**n.model_dump()) for n in self.needs],
                "decision_factors": [DecisionFactor(f.factor, f.weight)
                                     for f in self.decision_factors],
                "budget": Budget(self.budget.min, self.budget.max),
                "signed_by": Signatory(self.signed_by.name, self.signed_by.title),
                "signed_on": self.named_day(self.signed_on, today)}


class ResponseIn(Body):
    need: Count
    response: Text


class ItemIn(Body):
    sku: Name
    description: Text = ""
    kind: Literal["hardware", "software", "service"]
    quantity: Quantity
    unit_price: NonNegativeMoney


class ProposalIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("proposal"))

    version: Name
    responses: list[ResponseIn] = Field(max_length=100)
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    discount: NonNegativeMoney = Field(default=Decimal(0))
    floor_price: NonNegativeMoney
    payment_plan: list[MilestoneIn] = Field(min_length=1, max_length=20)
    delivery_days: Days
    expected_outcomes: list[Text] = Field(default_factory=list, max_length=50)
    cases: list[Text] = Field(default_factory=list, max_length=50)

    @field_validator("payment_plan")
    @classmethod
    def _plan(cls, plan: list[MilestoneIn]) -> list[MilestoneIn]:
        return milestones(plan)

    @field_validator("items")
    @classmethod
    def _unique_skus(cls, items: list[ItemIn]) -> list[ItemIn]:
        unique([i.sku for i in items], "skus")
        return items

    def command(self, _today: date) -> dict[str, Any]:
        return {"version": self.version,
                "responses": [Response(r.need, r.response) for r in self.responses],
                "items": [ProposalItem(**i.model_dump()) for i in self.items],
                "discount": self.discount, "floor_price": self.floor_price,
                "payment_plan": [m.value() for m in self.payment_plan],
                "delivery_days": self.delivery_days,
                "expected_outcomes": list(self.expected_outcomes), "cases": list(self.cases),
                "on": self.on}


class ProposalReview(Decision):
    model_config = ConfigDict(json_schema_extra=example("proposal_review"))

    decision: Literal["approve", "reject"]

    def command(self, _today: date) -> dict[str, Any]:
        return {"approve": self.decision == "approve", "comment": self.comment,
                "role": self.role, "on": self.on}


class FeedbackIn(Dated):
    model_config = ConfigDict(json_schema_extra=example("feedback"), populate_by_name=False)

    contact: Name = Field(alias="from")
    objection: Text
    resolution: Text = ""
    owner: Name
    due: Day
    major: Flag = False

    def command(self, _today: date) -> dict[str, Any]:
        return {"contact": self.contact, "objection": self.objection,
                "resolution": self.resolution, "owner": self.owner, "due": self.due,
                "major": self.major, "on": self.on}


class FeedbackResolution(Dated):
    model_config = ConfigDict(json_schema_extra=example("feedback_resolve"))

    resolution: Text

    def command(self, _today: date) -> dict[str, Any]:
        return {"resolution": self.resolution, "on": self.on}
