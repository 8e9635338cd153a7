"""The manual's worked examples, run through the application layer.

Used by ``dealtrail demo`` and by the tests. Business dates follow the manual's tables
(XX科技: tables 1-8 and 10; YY制造: tables 1, 2, 9 and 10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal as D
from typing import Any
from uuid import UUID, uuid4

from application.clock import FixedClock
from application.core import Receipt
from application.service import Dealtrail
from application.users import User, UserDirectory
from domain.values import (
    Budget,
    Clauses,
    Contact,
    Criterion,
    Customer,
    DecisionFactor,
    Line,
    Milestone,
    Need,
    Parties,
    Party,
    Penalty,
    ProposalItem,
    Response,
    Result,
    Signatory,
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
            annual_revenue=D(1000000000), address="北京市海淀区XX路1号",
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


# -- YY制造 (manual tables 1, 2, 9, 10) and a few smaller deals for the demo ---------------
YY_SCHEDULE = [Milestone("prepayment", D(30), "signing", 0),
               Milestone("progress", D(50), "delivery", 15),
               Milestone("final", D(20), "acceptance", 30)]
YY_ITEMS = [ProposalItem("DAQ-G", "数据采集网关", "hardware", 10, D(20000)),
            ProposalItem("MES-D", "生产数据平台", "software", 1, D(100000))]


def yy_zhizao_steps(app: Dealtrail, staff: dict[str, User], deal_id: UUID) -> Iterator[Step]:
    """YY制造: grade B, follow-up of 2024-02-28 (table 2), a 300,000 contract
    SO2024031002 paid 30/50/20; the 150,000 progress payment falls due 15 days after the
    delivery of 2024-04-15, on 2024-04-30, is not paid, and its reason is recorded."""
    rep, d = staff["lisi"], deal_id
    yield from sample_steps(app, staff, d, rep, customer=Customer(
        name="YY制造有限公司", industry="制造业", employees=1000, annual_revenue=D(200000000),
        address="江苏省苏州市工业园区ZZ路8号", business="工业零部件制造，区域市场前三",
        needs="生产数据实时采集需求"), contact=Contact("王经理", "生产部经理", True, "139XXXX0003"),
        grade=("B", "potential", "unclear", "complex"), opened=date(2024, 2, 20),
        contract_no="SO2024031002")
    yield date(2024, 4, 15), "delivered", lambda: app.deliver(
        rep, d, delivered_on=date(2024, 4, 15), items=[Line("DAQ-G", 10), Line("MES-D", 1)],
        received_by=Signatory("王经理", "生产部经理"), tracking_no="SF2024041501",
        qc_report="质检合格")
    yield date(2024, 5, 5), "overdue_reason", lambda: app.record_overdue_reason(
        rep, d, "progress", "客户资金审批延迟", on=date(2024, 5, 5))


def sample_steps(app: Dealtrail, staff: dict[str, User], d: UUID, rep: User, *,
                 customer: Customer, contact: Contact, grade: tuple[str, str, str, str],
                 opened: date, contract_no: str) -> Iterator[Step]:
    """A deal from opening to a paid prepayment on the YY plan; callers stop it early
    with ``run(..., until=name)`` to leave it at any stage."""
    who = Signatory(contact.name, contact.title)
    yield opened, "open", lambda: app.open_deal(
        rep, deal_id=d, customer=customer, contacts=[contact], source="website",
        referrer=None, on=opened)
    level, need, budget, chain = grade
    yield opened, "grade", lambda: app.grade(rep, d, grade=level, need=need, budget=budget,
                                             decision_chain=chain, note="首次筛选")
    yield date(2024, 2, 28), "follow_up", lambda: app.log_follow_up(
        rep, d, channel="phone", contact=contact.name, summary="沟通数据采集需求",
        feedback="预算需内部审批", next_step="再跟进", next_step_due=date(2024, 3, 10))
    yield date(2024, 3, 12), "survey", lambda: app.sign_survey(
        rep, d, surveyed_on=date(2024, 3, 12), method="onsite",
        needs=[Need("数据采集", "人工抄表，每班2小时", "设备数据实时采集，延迟小于1秒", "high")],
        decision_factors=[DecisionFactor("价格", D(40)), DecisionFactor("技术稳定性", D(60))],
        budget=Budget(D(250000), D(320000)), signed_by=who, signed_on=date(2024, 3, 12))
    yield date(2024, 3, 14), "proposal", lambda: app.submit_proposal(
        rep, d, version="V1.0", responses=[Response(0, "数据采集网关+生产数据平台")],
        items=YY_ITEMS, discount=D(0), floor_price=D(280000), payment_plan=YY_SCHEDULE,
        delivery_days=30, expected_outcomes=["采集延迟小于1秒，抄表工时减少100%"], cases=[])
    for who_, role in (("zhaojingli", "sales_supervisor"), ("qianpm", "product_manager"),
                       ("wangwu", "legal")):
        yield date(2024, 3, 14), f"proposal_review_{role}", _approve_proposal(
            app, staff[who_], d)
    terms = {**CONTRACT_285K, "contract_no": contract_no, "amount": D("300000.00"),
             "items": [Line("DAQ-G", 10), Line("MES-D", 1)], "payment_schedule": YY_SCHEDULE,
             "delivery_days": 30, "parties": Parties(
                 Party(customer.name, customer.address, f"{contact.name} {contact.phone}"),
                 CONTRACT_285K["parties"].supplier),
             "acceptance_criteria": [Criterion("数据采集", "采集延迟小于1秒")]}
    yield date(2024, 3, 18), "contract", lambda: app.draft_contract(rep, d, **terms)
    for who_ in ("zhaojingli", "wangwu", "sunzhuguan"):
        yield date(2024, 3, 18), f"contract_review_{who_}", _approve_contract(app, staff[who_], d)
    yield date(2024, 3, 20), "signed", lambda: app.sign_contract(
        rep, d, signed_on=date(2024, 3, 20), customer_signatory=who, document_sha256=DOC)
    for who_ in ("zhaojingli", "zhoujingli", "sunzhuguan"):
        yield date(2024, 3, 21), f"order_{who_}", _approve_order(app, staff[who_], d)
    yield date(2024, 3, 22), "prepayment", lambda: app.receive_payment(
        staff["sunzhuguan"], d, received_on=date(2024, 3, 22), amount=D("90000.00"),
        reference="预付款", milestone="prepayment")


SMALL_DEALS: list[tuple[str, str, str, tuple[str, str, str, str], str | None]] = [
    # customer, owner, contract no, grade basis, the last step run (None: all)
    ("ZZ贸易有限公司", "zhangsan", "SO2024031003", ("C", "vague", "unclear", "unknown"), "grade"),
    ("AA电子有限公司", "zhangsan", "SO2024031004", ("A", "clear", "sufficient", "clear"),
     "proposal_review_sales_supervisor"),
    ("BB医疗有限公司", "lisi", "SO2024031005", ("A", "clear", "sufficient", "clear"),
     "contract_review_zhaojingli"),
    ("WW物流有限公司", "lisi", "SO2024031006", ("B", "potential", "unclear", "complex"),
     "follow_up"),
]


def load_demo(app: Dealtrail, clock: FixedClock, users: UserDirectory) -> dict[str, UUID]:
    """Load the manual's worked examples and a few deals at other stages (customer name →
    deal id), each through the application layer. XX科技 is marked strategic, as the
    manual's table 9 lists it as an A-class customer."""
    staff = add_staff(users)
    ids = {"XX科技有限公司": uuid4(), "YY制造有限公司": uuid4()}
    xx = xx_keji_steps(app, staff, ids["XX科技有限公司"])
    run(app, clock, xx, until="signed")
    clock.set(date(2024, 3, 10))
    app.update_customer(staff["zhangsan"], ids["XX科技有限公司"], strategic=True)
    run(app, clock, xx)
    run(app, clock, yy_zhizao_steps(app, staff, ids["YY制造有限公司"]))
    for name, owner, contract_no, grade, until in SMALL_DEALS:
        ids[name] = uuid4()
        run(app, clock, sample_steps(
            app, staff, ids[name], staff[owner], customer=Customer(
                name=name, address="某市某路1号", business="主营业务", needs="潜在需求"),
            contact=Contact("刘总", "总经理", True, "137XXXX0000"), grade=grade,
            opened=date(2024, 2, 26), contract_no=contract_no), until=until)
    clock.set(date(2024, 3, 20))
    app.mark_lost(staff["lisi"], ids["WW物流有限公司"], reason="预算取消", on=date(2024, 3, 20))
    return ids
