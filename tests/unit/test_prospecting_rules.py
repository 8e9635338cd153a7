"""Manual §一 and the §2/§3 rules on a deal's own steps: each refused command answers
its rule code and appends nothing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from domain.values import Contact
from tests.conftest import World
from tests.unit.support import REFUSED, Command, Rule, given, opening, rules, version

GRADE_A: dict[str, Any] = {"grade": "A", "need": "clear", "budget": "sufficient",
                           "decision_chain": "clear"}
FOLLOW_UP: dict[str, Any] = {"channel": "phone", "contact": "陈总", "summary": "回访",
                             "feedback": "满意", "next_step": "发送方案",
                             "next_step_due": date(2024, 3, 5)}

OPENING_RULES = [
    pytest.param("zhangsan", {"source": "referral"}, "REFERRAL_NEEDS_REFERRER",
                 id="a referral names its referrer"),
    pytest.param("zhangsan", {"contacts": [Contact("陈总"), Contact("陈总")]}, "CONTACT_EXISTS",
                 id="contact names are unique"),
    pytest.param("zhangsan", {"contacts": []}, "CONTACT_REQUIRED",
                 id="a deal opens with at least one contact"),
    pytest.param("zhaojingli", {"owner": "qianpm"}, "OWNER_NOT_SALES_REP",
                 id="the owner holds sales_rep"),
    pytest.param("zhangsan", {"on": date(2024, 3, 2)}, "DATE_IN_FUTURE",
                 id="the opening date is not after today"),
    pytest.param("lisi", {"owner": "zhangsan"}, "NOT_OWNER",
                 id="a rep opens deals only for themself"),
    pytest.param("wangwu", {}, "FORBIDDEN", id="legal does not open deals"),
]


@pytest.mark.parametrize(("who", "over", "code"), OPENING_RULES)
def test_a_deal_that_breaks_an_opening_rule_is_never_stored(
        world: World, who: str, over: dict[str, object], code: str) -> None:
    deal_id = uuid.uuid4()

    with pytest.raises(REFUSED) as caught:
        world.app.open_deal(world.staff[who], deal_id=deal_id, **opening(**over))

    assert caught.value.code == code
    assert version(world, deal_id) == 0


RULES = rules(
    contact_exists=Rule("CONTACT_EXISTS", "open", lambda app, s, d: app.add_contact(
        s["zhangsan"], d, contact=Contact("陈总"))),
    customer_info_incomplete=Rule(
        "CUSTOMER_INFO_INCOMPLETE", "open",
        arrange=lambda app, s, d: app.update_customer(s["zhangsan"], d, address=" "),
        act=lambda app, s, d: app.grade(s["zhangsan"], d, **GRADE_A)),
    grade_a_needs_clear_need_budget_and_chain=Rule(
        "GRADE_BASIS", "open",
        lambda app, s, d: app.grade(s["zhangsan"], d, **{**GRADE_A, "budget": "unclear"})),
    grade_b_needs_a_clear_or_potential_need=Rule(
        "GRADE_BASIS", "open", lambda app, s, d: app.grade(
            s["zhangsan"], d, grade="B", need="vague", budget="unclear",
            decision_chain="unknown")),
    business_date_after_today=Rule("DATE_IN_FUTURE", "open", lambda app, s, d: app.grade(
        s["zhangsan"], d, **GRADE_A, on=date(2024, 3, 2))),
    follow_up_with_someone_not_a_contact=Rule(
        "UNKNOWN_CONTACT", "open",
        lambda app, s, d: app.log_follow_up(s["zhangsan"], d, **{**FOLLOW_UP, "contact": "王五"})),
    next_step_due_before_the_follow_up=Rule(
        "DATE_ORDER", "open", lambda app, s, d: app.log_follow_up(
            s["zhangsan"], d, **{**FOLLOW_UP, "next_step_due": date(2024, 2, 28)})),
    reassigned_to_someone_not_a_rep=Rule("OWNER_NOT_SALES_REP", "open", lambda app, s, d:
                                         app.change_owner(s["zhaojingli"], d, "qianpm")),
    commitment_decided_twice=Rule("COMMITMENT_ALREADY_DECIDED", "commitment_confirmed",
                                  lambda app, s, d: app.decide_commitment(
                                      s["zhaojingli"], d, 1, confirm=False)),
    unknown_commitment_number=Rule("NOT_FOUND", "commitment_confirmed", lambda app, s, d:
                                   app.decide_commitment(s["zhaojingli"], d, 9, confirm=True)),
    unknown_contact_in_the_path=Rule("NOT_FOUND", "open", lambda app, s, d: app.update_contact(
        s["zhangsan"], d, "王五", title="经理")),
    lost_deal_is_closed=Rule(
        "DEAL_CLOSED", "open",
        arrange=lambda app, s, d: app.mark_lost(s["zhangsan"], d, reason="预算取消"),
        act=lambda app, s, d: app.grade(s["zhangsan"], d, **GRADE_A)),
    paid_deal_is_closed=Rule("DEAL_CLOSED", "final_paid", lambda app, s, d:
                             app.propose_commitment(s["zhangsan"], d, text="延保")),
    lost_deal_cannot_be_lost_again=Rule(
        "DEAL_CLOSED", "grade",
        arrange=lambda app, s, d: app.mark_lost(s["zhangsan"], d, reason="预算取消"),
        act=lambda app, s, d: app.mark_lost(s["zhangsan"], d, reason="再次")),
)


@pytest.mark.parametrize("rule", RULES)
def test_a_prospecting_step_that_breaks_a_rule_appends_nothing(world: World, rule: Rule) -> None:
    deal_id = given(world, rule.given)
    if rule.arrange:
        rule.arrange(world.app, world.staff, deal_id)
    before = version(world, deal_id)

    with pytest.raises(REFUSED) as caught:
        rule.act(world.app, world.staff, deal_id)

    assert caught.value.code == rule.code
    assert version(world, deal_id) == before


@pytest.mark.parametrize("step", [
    pytest.param(lambda app, s, d: app.log_follow_up(
        s["zhangsan"], d, **{**FOLLOW_UP, "next_step_due": date(2024, 6, 8)}), id="follow-up"),
    pytest.param(lambda app, s, d: app.complete_task(s["zhangsan"], d, "return_visit"), id="task"),
    pytest.param(lambda app, s, d: app.attach_document(s["zhangsan"], d, kind="other",
                                                       sha256="a" * 64), id="document"),
    pytest.param(lambda app, s, d: app.receive_complaint(
        s["zhangsan"], d, contact="陈总", content="宕机", owner="lisi"), id="complaint"),
])
def test_a_closed_deal_still_accepts_customer_maintenance(
        world: World, step: Command) -> None:
    deal_id = given(world, "final_paid")
    world.clock.set(date(2024, 6, 1))

    receipt = step(world.app, world.staff, deal_id)

    assert receipt.version == version(world, deal_id) > 0
    assert world.app.load(deal_id).stage == "paid"


def test_regrading_and_follow_ups_never_move_the_stage(world: World) -> None:
    deal_id = given(world, "survey")

    world.app.grade(world.staff["zhangsan"], deal_id, grade="C", need="vague",
                    budget="insufficient", decision_chain="unknown")
    world.app.log_follow_up(world.staff["zhangsan"], deal_id, **FOLLOW_UP)

    deal = world.app.load(deal_id)
    assert deal.stage == "surveyed"
    assert [g["grade"] for g in deal.grades] == ["A", "C"]
