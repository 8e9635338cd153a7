"""Manual §四 to §六: order reviews, deliveries, acceptance, payments, changes and
complaints. A refused command appends nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from uuid import UUID

import pytest

from application.service import Dealtrail
from domain.errors import DomainError
from domain.values import Contact, Impact, Line, Rectification, Result, Signatory
from tests.conftest import World
from tests.unit.support import (
    REFUSED,
    Act,
    Command,
    Rule,
    Staff,
    acceptance,
    agreement,
    assess_all,
    change,
    complaint,
    delivery,
    given,
    payment,
    rules,
    version,
)


def order_review(who: str) -> Command:
    return lambda app, s, d: app.review_order(s[who], d, approve=True)


def deliver(**over: object) -> Act:
    return lambda app, s, d: app.deliver(s["zhangsan"], d, **delivery(**over))


def accept(**over: object) -> Act:
    return lambda app, s, d: app.record_acceptance(s["zhangsan"], d, **acceptance(**over))


def pay(**over: object) -> Act:
    return lambda app, s, d: app.receive_payment(s["sunzhuguan"], d, **payment(**over))


def request(**over: object) -> Act:
    return lambda app, s, d: app.request_change(s["zhangsan"], d, **change(**over))


def requested_and_assessed(feasible: tuple[bool, bool, bool] = (True, True, True),
                           **over: object) -> Act:
    def arrange(app: Dealtrail, s: Staff, d: UUID) -> None:
        request(**over)(app, s, d)
        assess_all(app, s, d, feasible=feasible)
    return arrange


def agree(**over: object) -> Act:
    return lambda app, s, d: app.agree_change(s["zhangsan"], d, 1, **agreement(**over))


def assess(who: str, no: int = 1) -> Act:
    return lambda app, s, d: app.assess_change(s[who], d, no, feasible=True)


ON_12 = {"delivered_on": date(2024, 3, 12)}
FAILED = [Result("服务器功能", "3项未通过", False), Result("实施服务培训满意度", "92分", True)]
RULES = rules(
    order_review_before_signing=Rule("ORDER_NEEDS_CONTRACT", "contract_review_sunzhuguan",
                                     order_review("zhaojingli")),
    order_reviewed_after_approval=Rule("ORDER_ALREADY_APPROVED", "order_sunzhuguan",
                                       order_review("zhaojingli")),
    finance_reviews_the_order_first=Rule("REVIEW_OUT_OF_ORDER", "signed",
                                         order_review("sunzhuguan")),
    order_reviewed_twice=Rule("ALREADY_REVIEWED", "order_supervisor", order_review("zhaojingli")),
    delivery_before_order_approval=Rule("DELIVERY_NEEDS_ORDER_APPROVAL", "signed",
                                        deliver(delivered_on=date(2024, 3, 10))),
    delivery_before_prepayment=Rule("DELIVERY_NEEDS_PREPAYMENT", "order_sunzhuguan",
                                    deliver(delivered_on=date(2024, 3, 11))),
    delivery_of_an_unknown_item=Rule("UNKNOWN_ITEM", "prepayment", deliver(
        **ON_12, items=[Line("SRV-B", 1)])),
    delivery_above_the_contract=Rule("DELIVERY_EXCEEDS_CONTRACT", "prepayment", deliver(
        **ON_12, items=[Line("SRV-A", 6)])),
    repeated_lines_above_the_contract=Rule("DELIVERY_EXCEEDS_CONTRACT", "prepayment", deliver(
        **ON_12, items=[Line("SRV-A", 3), Line("SRV-A", 3)])),
    deliveries_adding_up_above_the_contract=Rule(
        "DELIVERY_EXCEEDS_CONTRACT", "prepayment", deliver(**ON_12, items=[Line("SRV-A", 3)]),
        arrange=deliver(**ON_12, items=[Line("SRV-A", 3)])),
    delivery_received_by_a_stranger=Rule("UNKNOWN_CONTACT", "prepayment", deliver(
        **ON_12, received_by=Signatory("王五"))),
    delivery_before_signing=Rule("DATE_ORDER", "prepayment", deliver(
        delivered_on=date(2024, 3, 9))),
    delay_before_signing=Rule("DELAY_NEEDS_CONTRACT", "proposal_review_legal", lambda app, s, d:
                              app.report_delay(s["zhangsan"], d, reported_on=date(2024, 3, 6),
                                               cause="缺货", responsible="us",
                                               new_due=date(2024, 4, 1))),
    acceptance_before_delivery=Rule("ACCEPTANCE_NEEDS_DELIVERY", "prepayment", accept(
        accepted_on=date(2024, 3, 12))),
    acceptance_after_a_partial_delivery=Rule(
        "ACCEPTANCE_NEEDS_DELIVERY", "prepayment", accept(accepted_on=date(2024, 3, 12)),
        arrange=deliver(**ON_12, items=[Line("SRV-A", 5)])),
    acceptance_signed_by_a_non_decision_maker=Rule(
        "ACCEPTANCE_SIGNER_NOT_DECISION_MAKER", "delivered",
        accept(accepted_on=date(2024, 3, 25), signed_by=Signatory("李工")),
        arrange=lambda app, s, d: app.add_contact(s["zhangsan"], d, contact=Contact("李工"))),
    acceptance_missing_a_criterion=Rule("ACCEPTANCE_RESULTS_INCOMPLETE", "delivered", accept(
        accepted_on=date(2024, 3, 25), results=FAILED[1:])),
    failed_acceptance_without_rectification=Rule("ACCEPTANCE_NEEDS_RECTIFICATION", "delivered",
                                                 accept(accepted_on=date(2024, 3, 25),
                                                        results=FAILED)),
    acceptance_after_a_pass=Rule("ALREADY_ACCEPTED", "accepted", accept()),
    acceptance_before_the_last_delivery=Rule("DATE_ORDER", "delivered", accept(
        accepted_on=date(2024, 3, 24))),
    payment_before_signing=Rule("PAYMENT_NEEDS_CONTRACT", "contract_review_sunzhuguan", pay(
        received_on=date(2024, 3, 10))),
    payment_of_zero=Rule("PAYMENT_NOT_POSITIVE", "prepayment", pay(amount=D(0))),
    payment_above_what_is_owed=Rule("OVERPAYMENT", "prepayment", pay(amount=D("199500.01"))),
    payment_to_an_unknown_milestone=Rule("UNKNOWN_MILESTONE", "prepayment", pay(milestone="x")),
    payment_received_before_signing=Rule("DATE_ORDER", "prepayment", pay(
        received_on=date(2024, 3, 9))),
    overdue_reason_for_an_unknown_milestone=Rule(
        "NOT_FOUND", "signed",
        lambda app, s, d: app.record_overdue_reason(s["zhangsan"], d, "bonus", "客户资金紧张")),
    change_before_signing=Rule("CHANGE_NEEDS_CONTRACT", "contract_review_sunzhuguan", request(
        requested_on=date(2024, 3, 10))),
    change_after_acceptance=Rule("CHANGE_AFTER_ACCEPTANCE", "accepted", request(
        requested_on=date(2024, 3, 26))),
    change_in_vague_words=Rule("NO_VAGUE_TERMS", "prepayment", request(content="尽量提前交付")),
    change_with_vague_criteria=Rule("NO_VAGUE_TERMS", "prepayment", request(impact=Impact(
        acceptance_criteria=[{"item": "性能", "standard": "approximately 99% uptime"}]))),
    change_assessed_twice=Rule("ALREADY_REVIEWED", "prepayment", assess("zhaojingli"),
                               arrange=lambda app, s, d: (request()(app, s, d),
                                                          assess("zhaojingli")(app, s, d))),
    unknown_change_number=Rule("NOT_FOUND", "prepayment", assess("zhaojingli", no=9)),
    change_agreed_before_all_assessments=Rule(
        "CHANGE_NOT_ASSESSED", "prepayment", agree(),
        arrange=lambda app, s, d: (request()(app, s, d), assess("qianpm")(app, s, d))),
    change_agreed_although_infeasible=Rule("CHANGE_INFEASIBLE", "prepayment", agree(),
                                           arrange=requested_and_assessed((True, False, True))),
    change_below_what_was_received=Rule("CHANGE_BELOW_RECEIVED", "prepayment", agree(),
                                        arrange=requested_and_assessed(
                                            impact=Impact(amount_delta=D(-250000)))),
    change_below_what_was_delivered=Rule(
        "CHANGE_BELOW_DELIVERED", "delivered", agree(signed_on=date(2024, 3, 25)),
        arrange=requested_and_assessed(requested_on=date(2024, 3, 25), impact=Impact(
            amount_delta=D(-50000), items=[Line("SRV-A", 4), Line("IMPL", 1)]))),
    change_signed_by_a_stranger=Rule("UNKNOWN_CONTACT", "prepayment", agree(
        customer_signatory=Signatory("王五")), arrange=requested_and_assessed()),
    change_assessed_after_agreement=Rule(
        "CHANGE_CLOSED", "prepayment", assess("zhaojingli"),
        arrange=lambda app, s, d: (requested_and_assessed()(app, s, d), agree()(app, s, d))),
    change_lapsed_at_acceptance=Rule(
        "CHANGE_CLOSED", "delivered", assess("zhaojingli"),
        arrange=lambda app, s, d: (request(requested_on=date(2024, 3, 25))(app, s, d),
                                   accept(accepted_on=date(2024, 3, 25))(app, s, d))),
    complaint_owned_by_nobody=Rule("UNKNOWN_USER", "signed", lambda app, s, d:
                                   complaint(app, s, d, owner="nobody")),
    complaint_from_a_stranger=Rule("UNKNOWN_CONTACT", "signed", lambda app, s, d:
                                   app.receive_complaint(s["zhangsan"], d, contact="王五",
                                                         content="宕机", owner="lisi")),
    complaint_answered_twice=Rule(
        "COMPLAINT_ALREADY_RESPONDED", "signed",
        lambda app, s, d: app.respond_complaint(s["lisi"], d, 1, note="再次"),
        arrange=lambda app, s, d: (complaint(app, s, d),
                                   app.respond_complaint(s["lisi"], d, 1, note="已到场"))),
    complaint_resolved_twice=Rule(
        "COMPLAINT_ALREADY_RESOLVED", "signed",
        lambda app, s, d: app.resolve_complaint(s["lisi"], d, 1, note="再次"),
        arrange=lambda app, s, d: (complaint(app, s, d),
                                   app.resolve_complaint(s["lisi"], d, 1, note="已修复"))),
    complaint_resolved_before_it_came=Rule(
        "DATE_ORDER", "signed",
        lambda app, s, d: app.resolve_complaint(s["lisi"], d, 1, note="x", on=date(2024, 3, 9)),
        arrange=lambda app, s, d: complaint(app, s, d)),
    unknown_complaint_number=Rule("NOT_FOUND", "signed", lambda app, s, d:
                                  app.respond_complaint(s["zhangsan"], d, 9, note="")),
)


@pytest.mark.parametrize("rule", RULES)
def test_an_execution_or_payment_step_that_breaks_a_rule_appends_nothing(
        world: World, rule: Rule) -> None:
    deal_id = given(world, rule.given)
    if rule.arrange:
        rule.arrange(world.app, world.staff, deal_id)
    before = version(world, deal_id)

    with pytest.raises(REFUSED) as caught:
        rule.act(world.app, world.staff, deal_id)

    assert caught.value.code == rule.code
    assert version(world, deal_id) == before


def test_a_failed_acceptance_keeps_delivered_and_may_be_tried_again(world: World) -> None:
    deal_id = given(world, "delivered")
    fix = [Rectification("服务器功能", date(2024, 3, 30))]
    accept(accepted_on=date(2024, 3, 25), results=FAILED, rectifications=fix)(
        world.app, world.staff, deal_id)

    world.clock.set(date(2024, 3, 26))

    accept()(world.app, world.staff, deal_id)

    deal = world.app.load(deal_id)
    assert [a["passed"] for a in deal.acceptance] == [False, True]
    assert deal.stage == "accepted"


def test_a_delay_moves_the_due_date_only_when_we_are_not_responsible(world: World) -> None:
    deal_id = given(world, "signed")
    app, rep = world.app, world.staff["zhangsan"]

    app.report_delay(rep, deal_id, reported_on=date(2024, 3, 10), cause="我方缺货",
                     responsible="us", new_due=date(2024, 4, 30))
    ours = app.load(deal_id).delivery_due
    app.report_delay(rep, deal_id, reported_on=date(2024, 3, 10), cause="客户场地未就绪",
                     responsible="customer", new_due=date(2024, 4, 30))

    assert ours == date(2024, 3, 25)
    assert app.load(deal_id).delivery_due == date(2024, 4, 30)


def test_a_raised_prepayment_must_be_topped_up_before_delivery(world: World) -> None:
    deal_id = given(world, "prepayment")
    requested_and_assessed()(world.app, world.staff, deal_id)
    agree()(world.app, world.staff, deal_id)
    before = version(world, deal_id)

    with pytest.raises(DomainError) as caught:
        deliver(**ON_12)(world.app, world.staff, deal_id)

    assert caught.value.code == "DELIVERY_NEEDS_PREPAYMENT"
    assert version(world, deal_id) == before


def test_a_topped_up_prepayment_lets_the_delivery_go(world: World) -> None:
    deal_id = given(world, "prepayment")
    requested_and_assessed()(world.app, world.staff, deal_id)
    agree()(world.app, world.staff, deal_id)
    pay(amount=D("15000.00"))(world.app, world.staff, deal_id)  # 30% of 50,000 more

    deliver(**ON_12)(world.app, world.staff, deal_id)

    assert world.app.load(deal_id).stage == "delivered"


def test_an_order_rejection_restarts_the_review_chain(world: World) -> None:
    deal_id = given(world, "order_supervisor")
    world.clock.set(date(2024, 3, 11))
    world.app.review_order(world.staff["zhoujingli"], deal_id, approve=False, comment="排产不足")

    receipts = [order_review(who)(world.app, world.staff, deal_id)
                for who in ("zhaojingli", "zhoujingli", "sunzhuguan")]

    assert receipts[-1].events == ["OrderReviewed", "OrderApproved"]
    assert world.app.load(deal_id).order["round"] == 2
