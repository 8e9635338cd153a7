"""The manual's worked examples, run through the application layer.

Used by ``dealtrail demo`` and by the tests. Business dates follow the manual's tables
(XX科技: tables 1-8 and 10; YY制造: tables 1, 2, 9 and 10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal as D
from typing import Any
from uuid import UUID

from application.clock import FixedClock
from application.core import Receipt
from application.service import Dealtrail
from application.users import User, UserDirectory
from domain.values import (
    Budget, Clauses, Contact, Criterion, Customer, DecisionFactor, Line, Milestone, Need,
    Parties, Party, Penalty, ProposalItem, Response, Result, Signatory,
)

STAFF = {
    "zhangsan": ["sales_rep"], "lisi": ["sales_rep"], "zhaojingli": ["sales_supervisor"],
    "qianpm": ["product_manager"], "wangwu": ["legal"], "sunzhuguan": ["finance"],
    "zhoujingli": ["production"], "wugong": ["engineering"], "auditor": ["auditor"],
    "feed": ["integration"], "admin": ["admin"],
}
DOC = "9f2b5c0e" * 8


def add_staff(users: UserDirectory) -> dict[str, User]:
    """Create the example's people (tokens are their names, for demos and tests only)."""
    for name, roles in STAFF.items():
        if users.get(name) is None:
            users.add(name, roles, token=f"token-{name}")
    return {name: users.get(name) for name in STAFF}  # type: ignore[misc]


Step = tuple[date, str, Callable[[], Receipt]]


def xx_keji_steps(app: Dealtrail, staff: dict[str, User], deal_id: UUID) -> Iterator[Step]:
    """XX科技: grade A, survey, V1.0 at 300,000 (floor 280,000, plan 30/60/10), three
    approvals, feedback, a commitment, a contract at 285,000 traded for 30/30/40,
    ordered reviews, order approval, prepayment, delivery, acceptance, payments."""
    rep, sup = staff["zhangsan"], staff["zhaojingli"]
    d = deal_id
    yield date(2024, 3, 1), "open", lambda: app.open_deal(
        rep, deal_id=d, customer=Customer(
            name="XX科技有限公司", industry="互联网", employees=5000,
            annual_revenue=D("1000000000"), address="北京市海淀区XX路1号",
            business="互联网服务，自有数据中心", needs="服务器运维成本高"),
        contacts=[Contact("陈总", "技术总监", True, "138XXXX0001")],
        source="exhibition", referrer=None, on=date(2024, 3, 1))
    yield date(2024, 3, 1), "grade", lambda: app.grade(
        rep, d, grade="A", need="clear", budget="sufficient", decision_chain="clear",
        note="高匹配度+高需求强度")
    yield date(2024, 3, 1), "follow_up", lambda: app.log_follow_up(
        rep, d, channel="visit", contact="陈总", summary="介绍服务器租赁方案",
        feedback="需提供详细成本对比", next_step="发送方案", next_step_due=date(2024, 3, 5))
    yield date(2024, 3, 5), "survey", lambda: app.sign_survey(
        rep, d, surveyed_on=date(2024, 3, 5), method="onsite", needs=[
            Need("效率提升", "人工统计订单数据，耗时4小时/天", "自动化统计，控制在1小时内/天", "high"),
            Need("成本控制", "现有服务器年维护费50万元", "维护费降至35万元以内", "medium")],
        decision_factors=[DecisionFactor("价格", D(30)), DecisionFactor("服务响应速度", D(40)),
                          DecisionFactor("技术稳定性", D(30))],
        budget=Budget(D(250000), D(350000)), signed_by=Signatory("陈总", "技术总监"),
        signed_on=date(2024, 3, 5))
    yield date(2024, 3, 6), "proposal", lambda: app.submit_proposal(
        rep, d, version="V1.0",
        responses=[Response(0, "订单数据自动采集与报表"), Response(1, "服务器租赁替代自建运维")],
        items=[ProposalItem("SRV-A", "服务器A型", "hardware", 5, D(50000)),
               ProposalItem("IMPL", "实施服务", "service", 1, D(50000))],
        discount=D(0), floor_price=D(280000), payment_plan=PLAN_30_60_10, delivery_days=15,
        expected_outcomes=["3个月内上线，效率提升60%", "年维护费降至35万元以内"],
        cases=["某互联网企业实施后效率提升58%"])
    for who, role in (("zhaojingli", "sales_supervisor"), ("qianpm", "product_manager"),
                      ("wangwu", "legal")):
        yield date(2024, 3, 6), f"proposal_review_{role}", _approve_proposal(app, staff[who], d)
    yield date(2024, 3, 6), "feedback", lambda: app.record_feedback(
        rep, d, "V1.0", contact="陈总", objection="担心实施周期影响业务",
        resolution="缩短实施周期至2个月，分阶段上线", owner="lisi", due=date(2024, 3, 7))
    yield date(2024, 3, 7), "feedback_resolved", lambda: app.resolve_feedback(
        staff["lisi"], d, "V1.0", 1, resolution="缩短实施周期至2个月，分阶段上线")
    yield date(2024, 3, 8), "commitment", lambda: app.propose_commitment(
        rep, d, text="质保期1年，可付费延长至18个月")
    yield date(2024, 3, 9), "commitment_confirmed", lambda: app.decide_commitment(
        sup, d, 1, confirm=True, comment="在权限内")
    yield date(2024, 3, 10), "contract", lambda: app.draft_contract(rep, d, **CONTRACT_285K)
    for who in ("zhaojingli", "wangwu", "sunzhuguan"):
        yield date(2024, 3, 10), f"contract_review_{who}", _approve_contract(app, staff[who], d)
    yield date(2024, 3, 10), "signed", lambda: app.sign_contract(
        rep, d, signed_on=date(2024, 3, 10), customer_signatory=Signatory("陈总", "技术总监"),
        document_sha256=DOC)
    yield date(2024, 3, 10), "order_supervisor", _approve_order(app, sup, d)
    for who in ("zhoujingli", "sunzhuguan"):
        yield date(2024, 3, 11), f"order_{who}", _approve_order(app, staff[who], d)
    yield date(2024, 3, 12), "prepayment", lambda: app.receive_payment(
        staff["sunzhuguan"], d, received_on=date(2024, 3, 12), amount=D("85500.00"),
        reference="预付款", milestone="prepayment")
    yield date(2024, 3, 25), "delivered", lambda: app.deliver(
        rep, d, delivered_on=date(2024, 3, 25),
        items=[Line("SRV-A", 5), Line("IMPL", 1)], received_by=Signatory("陈总", "技术总监"),
        tracking_no="SF1234567890", qc_report="质检合格")
    yield date(2024, 3, 26), "accepted", lambda: app.record_acceptance(
        rep, d, accepted_on=date(2024, 3, 26), results=[
            Result("服务器功能", "95%通过，5项小bug已修复", True),
            Result("实施服务培训满意度", "92分", True)],
        signed_by=Signatory("陈总", "技术总监"), rectifications=[], document_sha256=DOC)
    yield date(2024, 4, 24), "progress_paid", lambda: app.receive_payment(
        staff["sunzhuguan"], d, received_on=date(2024, 4, 24), amount=D("85500.00"),
        reference="进度款", milestone="progress")
    yield date(2024, 5, 25), "final_paid", lambda: app.receive_payment(
        staff["sunzhuguan"], d, received_on=date(2024, 5, 25), amount=D("114000.00"),
        reference="尾款", milestone="final")


PLAN_30_60_10 = [Milestone("prepayment", D(30), "signing", 3),
                 Milestone("progress", D(60), "acceptance", 30),
                 Milestone("final", D(10), "warranty_end", 0)]
SCHEDULE_30_30_40 = [Milestone("prepayment", D(30), "signing", 0),
                     Milestone("progress", D(30), "delivery", 30),
                     Milestone("final", D(40), "acceptance", 60)]
CONTRACT_285K: dict[str, Any] = {
    "contract_no": "SO2024031001", "based_on": "V1.0",
    "parties": Parties(Party("XX科技有限公司", "北京市海淀区XX路1号", "陈总 138XXXX0001"),
                       Party("我方科技有限公司", "上海市浦东新区YY路2号", "张三 139XXXX0002")),
    "items": [Line("SRV-A", 5), Line("IMPL", 1)], "amount": D("285000.00"),
    "payment_schedule": SCHEDULE_30_30_40, "delivery_days": 15, "warranty_months": 12,
    "late_penalty": Penalty(D("0.1"), D(5)), "late_payment_penalty": Penalty(D("0.1"), D(5)),
    "acceptance_criteria": [Criterion("服务器功能", "功能测试通过率100%"),
                            Criterion("实施服务培训满意度", "培训满意度≥90分")],
    "clauses": Clauses("双方对合同内容及对方商业信息保密，期限5年",
                       "逾期交付每日按合同额0.1%支付违约金，上限5%",
                       "协商不成，提交甲方所在地法院诉讼"),
}


def _approve_proposal(app: Dealtrail, user: User, d: UUID) -> Callable[[], Receipt]:
    return lambda: app.review_proposal(user, d, "V1.0", approve=True, comment="同意")


def _approve_contract(app: Dealtrail, user: User, d: UUID) -> Callable[[], Receipt]:
    return lambda: app.review_contract(user, d, approve=True, comment="同意")


def _approve_order(app: Dealtrail, user: User, d: UUID) -> Callable[[], Receipt]:
    return lambda: app.review_order(user, d, approve=True, comment="同意")


def run(app: Dealtrail, clock: FixedClock, steps: Iterator[Step],
        until: str | None = None) -> list[Receipt]:
    """Run steps in order with business today set to each step's date."""
    receipts = []
    for day, name, step in steps:
        clock.set(day)
        receipts.append(step())
        if name == until:
            break
    return receipts
