"""Given states for rule tests: the manual's XX科技 example run up to a named step, and
the bodies of its commands, to be varied one field at a time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from typing import Any, cast

import attrs
import pytest

from application import examples as ex
from application.core import Receipt
from application.errors import ApplicationError, DealNotFoundError
from application.service import Dealtrail
from application.users import User, UserDirectory
from domain.errors import DomainError
from domain.events import DealEvent, DealOpened
from domain.values import (
    Budget,
    Contact,
    Customer,
    DecisionFactor,
    Impact,
    Line,
    Need,
    ProposalItem,
    Response,
    Result,
    Signatory,
)
from tests.conftest import World

CHEN = Signatory("陈总", "技术总监")
Staff = dict[str, User]
Act = Callable[[Dealtrail, Staff, uuid.UUID], object]
Command = Callable[[Dealtrail, Staff, uuid.UUID], Receipt]
# a refusal, either family: spelled as one union so ``caught.value.code`` type-checks
REFUSED: tuple[type[DomainError | ApplicationError], ...] = (DomainError, ApplicationError)


def given(world: World, until: str) -> uuid.UUID:
    """A new XX科技 deal after the example step ``until``; today is that step's date."""
    deal_id = uuid.uuid4()
    steps = ex.xx_keji_steps(world.app, world.staff, deal_id)
    ex.run(world.app, world.clock, steps, until=until)
    return deal_id


def member(users: UserDirectory, name: str) -> User:
    """A user the test has added; the directory answers None for a stranger."""
    user = users.get(name)
    assert user is not None, name
    return user


def deal_events(app: Dealtrail, deal_id: uuid.UUID) -> list[DealOpened | DealEvent]:
    """The deal's stored events. The store types them only by its event protocol; a
    deal's log holds only the deal's own events, hence the cast."""
    return cast(list[DealOpened | DealEvent], list(app.events.get(deal_id)))


def version(world: World, deal_id: uuid.UUID) -> int:
    """The stored version of a deal; 0 when nothing was ever stored."""
    try:
        return world.app.load(deal_id).version
    except DealNotFoundError:
        return 0


@attrs.frozen
class Rule:
    """One row of a rule table: the state, an optional extra arrangement, the act."""

    code: str
    given: str
    act: Act
    arrange: Act | None = None


def rules(**rows: Rule) -> list[Any]:
    return [pytest.param(rule, id=name) for name, rule in rows.items()]


# -- command bodies, as the example sends them ----------------------------------------------
def customer(**over: Any) -> Customer:
    base = Customer(name="XX科技有限公司", industry="互联网", address="北京市海淀区XX路1号",
                    business="互联网服务", needs="服务器运维成本高")
    return attrs.evolve(base, **over)


def opening(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"customer": customer(), "contacts": [Contact("陈总", "技术总监", True)],
                            "source": "exhibition", "referrer": None}
    return {**body, **over}


def survey(**over: Any) -> dict[str, Any]:
    body = {
        "surveyed_on": date(2024, 3, 5), "method": "onsite",
        "needs": [Need("效率提升", "4小时/天", "1小时/天", "high"),
                  Need("成本控制", "50万元", "35万元", "medium")],
        "decision_factors": [DecisionFactor("价格", D(30)), DecisionFactor("服务", D(40)),
                             DecisionFactor("稳定性", D(30))],
        "budget": Budget(D(250000), D(350000)), "signed_by": CHEN, "signed_on": date(2024, 3, 5),
    }
    return {**body, **over}


def proposal(**over: Any) -> dict[str, Any]:
    body = {
        "version": "V2.0", "responses": [Response(0, "自动报表"), Response(1, "服务器租赁")],
        "items": [ProposalItem("SRV-A", "服务器A型", "hardware", 5, D(50000)),
                  ProposalItem("IMPL", "实施服务", "service", 1, D(50000))],
        "discount": D(0), "floor_price": D(280000), "payment_plan": ex.PLAN_30_60_10,
        "delivery_days": 15, "expected_outcomes": ["效率提升60%"], "cases": [],
    }
    return {**body, **over}


def contract(**over: Any) -> dict[str, Any]:
    return {**ex.CONTRACT_285K, **over}


def signing(**over: Any) -> dict[str, Any]:
    body = {"signed_on": date(2024, 3, 10), "customer_signatory": CHEN,
            "document_sha256": ex.DOC}
    return {**body, **over}


def delivery(**over: Any) -> dict[str, Any]:
    body = {"delivered_on": date(2024, 3, 25), "items": [Line("SRV-A", 5), Line("IMPL", 1)],
            "received_by": CHEN, "tracking_no": "SF1", "qc_report": "合格"}
    return {**body, **over}


def acceptance(**over: Any) -> dict[str, Any]:
    body = {"accepted_on": date(2024, 3, 26),
            "results": [Result("服务器功能", "通过", True), Result("实施服务培训满意度", "92分", True)],
            "signed_by": CHEN, "rectifications": [], "document_sha256": ex.DOC}
    return {**body, **over}


def payment(**over: Any) -> dict[str, Any]:
    body = {"received_on": date(2024, 3, 12), "amount": D("85500.00"), "reference": "预付款",
            "milestone": "prepayment"}
    return {**body, **over}


def change(**over: Any) -> dict[str, Any]:
    body = {"requested_on": date(2024, 3, 12), "content": "增加1台服务器A型",
            "reason": "业务增长", "impact": Impact(amount_delta=D(50000))}
    return {**body, **over}


def agreement(**over: Any) -> dict[str, Any]:
    body = {"agreement_no": "SA-1", "signed_on": date(2024, 3, 12),
            "customer_signatory": CHEN, "document_sha256": ex.DOC}
    return {**body, **over}


def assess_all(app: Dealtrail, staff: Staff, deal_id: uuid.UUID, no: int = 1,
               feasible: tuple[bool, bool, bool] = (True, True, True)) -> None:
    for who, ok in zip(("zhaojingli", "qianpm", "wugong"), feasible, strict=True):
        app.assess_change(staff[who], deal_id, no, feasible=ok)


def complaint(app: Dealtrail, staff: Staff, deal_id: uuid.UUID, owner: str = "lisi") -> Receipt:
    return app.receive_complaint(staff["zhangsan"], deal_id, contact="陈总",
                                 content="服务器宕机", owner=owner)
