"""Manual §二 and §三: surveys, proposals, their reviews, feedback, and the contract's
drafting, ordered reviews and signing. A refused command appends nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from application import examples as ex
from domain.values import (
    Budget,
    Clauses,
    Criterion,
    Line,
    Milestone,
    Parties,
    Party,
    Penalty,
    Response,
    Signatory,
)
from tests.conftest import World
from tests.unit.support import (
    REFUSED,
    Act,
    Rule,
    contract,
    given,
    proposal,
    rules,
    signing,
    survey,
    version,
)

FEEDBACK: dict[str, Any] = {"contact": "陈总", "objection": "周期长", "resolution": "分阶段",
                            "owner": "lisi", "due": date(2024, 3, 8)}


def review(who: str, approve: bool = True, v: str = "V1.0") -> Act:
    return lambda app, s, d: app.review_proposal(s[who], d, v, approve=approve)


def contract_review(who: str, approve: bool = True) -> Act:
    return lambda app, s, d: app.review_contract(s[who], d, approve=approve)


def draft(**over: object) -> Act:
    return lambda app, s, d: app.draft_contract(s["zhangsan"], d, **contract(**over))


def sign(**over: object) -> Act:
    return lambda app, s, d: app.sign_contract(s["zhangsan"], d, **signing(**over))


def surveyed(**over: object) -> Act:
    return lambda app, s, d: app.sign_survey(s["zhangsan"], d, **survey(**over))


def proposed(**over: object) -> Act:
    return lambda app, s, d: app.submit_proposal(s["zhangsan"], d, **proposal(**over))


EARLY = {"surveyed_on": date(2024, 3, 1), "signed_on": date(2024, 3, 1)}
RULES = rules(
    survey_before_grading=Rule("SURVEY_REQUIRES_GRADE", "open", surveyed(**EARLY)),
    survey_after_a_grade_c=Rule(
        "SURVEY_REQUIRES_GRADE", "follow_up", surveyed(**EARLY),
        arrange=lambda app, s, d: app.grade(s["zhangsan"], d, grade="C", need="vague",
                                            budget="unclear", decision_chain="unknown")),
    survey_replaced_after_approval=Rule("SURVEY_LOCKED", "proposal_review_legal", surveyed()),
    survey_without_needs=Rule("SURVEY_NEEDS", "survey", surveyed(needs=[])),
    survey_weights_not_100=Rule("SURVEY_WEIGHTS", "survey", surveyed(decision_factors=[])),
    survey_budget_min_above_max=Rule("SURVEY_BUDGET", "survey", surveyed(
        budget=Budget(D(400000), D(300000)))),
    survey_budget_zero=Rule("SURVEY_BUDGET", "survey", surveyed(budget=Budget(D(0), D(1)))),
    survey_signed_by_a_stranger=Rule("UNKNOWN_CONTACT", "survey", surveyed(
        signed_by=Signatory("王五"))),
    survey_signed_before_it_happened=Rule("DATE_ORDER", "survey", surveyed(
        signed_on=date(2024, 3, 4))),
    proposal_without_survey=Rule("PROPOSAL_NEEDS_SURVEY", "follow_up", proposed()),
    proposal_missing_a_need=Rule("PROPOSAL_COVERS_NEEDS", "survey", proposed(
        responses=[Response(0, "自动报表")])),
    proposal_with_unquantified_outcome=Rule("PROPOSAL_QUANTIFIED", "survey", proposed(
        expected_outcomes=["效率大幅提升"])),
    proposal_without_outcomes=Rule("PROPOSAL_QUANTIFIED", "survey", proposed(expected_outcomes=[])),
    proposal_below_its_floor=Rule("PRICE_FLOOR", "survey", proposed(discount=D(30000))),
    proposal_plan_not_100=Rule("MILESTONES_SUM_100", "survey", proposed(
        payment_plan=ex.PLAN_30_60_10[:2])),
    proposal_version_reused=Rule("VERSION_EXISTS", "proposal", proposed(version="V1.0")),
    proposal_reviewed_twice=Rule("ALREADY_REVIEWED", "proposal_review_sales_supervisor",
                                 review("zhaojingli")),
    review_of_a_rejected_proposal=Rule("PROPOSAL_NOT_IN_REVIEW", "proposal", review("qianpm"),
                                       arrange=review("zhaojingli", approve=False)),
    review_of_a_superseded_proposal=Rule("PROPOSAL_NOT_IN_REVIEW", "proposal", review("qianpm"),
                                         arrange=proposed(version="V1.1")),
    review_of_an_unknown_version=Rule("NOT_FOUND", "proposal", review("qianpm", v="V9.9")),
    feedback_before_approval=Rule("PROPOSAL_NOT_APPROVED", "proposal", lambda app, s, d:
                                  app.record_feedback(s["zhangsan"], d, "V1.0", **FEEDBACK)),
    feedback_owned_by_nobody=Rule("UNKNOWN_USER", "proposal_review_legal", lambda app, s, d:
                                  app.record_feedback(s["zhangsan"], d, "V1.0",
                                                      **{**FEEDBACK, "owner": "nobody"})),
    feedback_from_a_stranger=Rule("UNKNOWN_CONTACT", "proposal_review_legal", lambda app, s, d:
                                  app.record_feedback(s["zhangsan"], d, "V1.0",
                                                      **{**FEEDBACK, "contact": "王五"})),
    feedback_resolved_twice=Rule("FEEDBACK_ALREADY_RESOLVED", "feedback_resolved",
                                 lambda app, s, d: app.resolve_feedback(
                                     s["zhangsan"], d, "V1.0", 1, resolution="再次")),
    unknown_feedback_number=Rule("NOT_FOUND", "feedback_resolved", lambda app, s, d:
                                 app.resolve_feedback(s["zhangsan"], d, "V1.0", 9, resolution="")),
    contract_on_an_unapproved_version=Rule("CONTRACT_NEEDS_APPROVED_PROPOSAL",
                                           "commitment_confirmed", draft(based_on="V2.0")),
    contract_items_differ=Rule("CONTRACT_ITEMS_MATCH", "commitment_confirmed", draft(
        items=[Line("SRV-A", 4), Line("IMPL", 1)])),
    contract_below_the_floor=Rule("PRICE_FLOOR", "commitment_confirmed", draft(amount=D(270000))),
    contract_above_the_proposal=Rule("CONTRACT_ABOVE_PROPOSAL", "commitment_confirmed",
                                     draft(amount=D(310000))),
    discount_without_earlier_payment=Rule("NO_UNILATERAL_CONCESSION", "commitment_confirmed",
                                          draft(payment_schedule=ex.PLAN_30_60_10)),
    contract_schedule_not_100=Rule("MILESTONES_SUM_100", "commitment_confirmed", draft(
        amount=D(300000), payment_schedule=[Milestone("all", D(90), "signing", 0)])),
    late_penalty_cap_above_5=Rule("PENALTY_TERMS", "commitment_confirmed", draft(
        late_penalty=Penalty(D("0.1"), D(6)))),
    late_payment_penalty_without_rate=Rule("PENALTY_TERMS", "commitment_confirmed", draft(
        late_payment_penalty=Penalty(D(0), D(5)))),
    contract_without_breach_clause=Rule("CONTRACT_INCOMPLETE", "commitment_confirmed", draft(
        clauses=Clauses("保密5年", "", "法院诉讼"))),
    contract_without_supplier_address=Rule("CONTRACT_INCOMPLETE", "commitment_confirmed", draft(
        parties=Parties(Party("XX科技", "北京", "陈总"), Party("我方", "", "张三")))),
    contract_without_criteria=Rule("CONTRACT_INCOMPLETE", "commitment_confirmed",
                                   draft(acceptance_criteria=[])),
    contract_with_vague_clause=Rule("NO_VAGUE_TERMS", "commitment_confirmed", draft(
        clauses=Clauses("保密5年", "违约金0.1%", "尽量协商解决"))),
    contract_with_vague_criterion=Rule("NO_VAGUE_TERMS", "commitment_confirmed", draft(
        acceptance_criteria=[Criterion("服务器功能", "约30天内稳定运行")])),
    contract_drafted_after_signing=Rule("CONTRACT_ALREADY_SIGNED", "signed", draft()),
    contract_drafted_on_a_lost_deal=Rule(
        "DEAL_CLOSED", "commitment_confirmed", draft(),
        arrange=lambda app, s, d: app.mark_lost(s["zhangsan"], d, reason="价格")),
    contract_review_before_drafting=Rule("CONTRACT_NOT_DRAFTED", "commitment_confirmed",
                                         contract_review("zhaojingli")),
    legal_reviews_before_the_supervisor=Rule("REVIEW_OUT_OF_ORDER", "contract",
                                             contract_review("wangwu")),
    finance_reviews_before_legal=Rule("REVIEW_OUT_OF_ORDER", "contract_review_zhaojingli",
                                      contract_review("sunzhuguan")),
    contract_reviewed_twice=Rule("ALREADY_REVIEWED", "contract_review_zhaojingli",
                                 contract_review("zhaojingli")),
    review_of_a_rejected_revision=Rule("CONTRACT_NOT_IN_REVIEW", "contract",
                                       contract_review("zhaojingli"),
                                       arrange=contract_review("zhaojingli", approve=False)),
    signing_before_finance_approves=Rule("CONTRACT_NOT_REVIEWED", "contract_review_wangwu", sign()),
    signing_a_new_unreviewed_revision=Rule("CONTRACT_NOT_REVIEWED", "contract_review_sunzhuguan",
                                           sign(), arrange=draft()),
    signing_with_a_pending_commitment=Rule(
        "COMMITMENTS_PENDING", "contract_review_sunzhuguan", sign(),
        arrange=lambda app, s, d: app.propose_commitment(s["zhangsan"], d, text="免费培训")),
    signed_by_a_stranger=Rule("UNKNOWN_CONTACT", "contract_review_sunzhuguan", sign(
        customer_signatory=Signatory("王五"))),
    signed_before_the_survey=Rule("DATE_ORDER", "contract_review_sunzhuguan", sign(
        signed_on=date(2024, 3, 4))),
    signed_tomorrow=Rule("DATE_IN_FUTURE", "contract_review_sunzhuguan", sign(
        signed_on=date(2024, 3, 11))),
    signed_twice=Rule("CONTRACT_ALREADY_SIGNED", "signed", sign()),
    lost_after_signing=Rule("DEAL_ALREADY_CONTRACTED", "signed", lambda app, s, d:
                            app.mark_lost(s["zhangsan"], d, reason="客户反悔")),
)


@pytest.mark.parametrize("rule", RULES)
def test_a_proposal_or_contract_step_that_breaks_a_rule_appends_nothing(
        world: World, rule: Rule) -> None:
    deal_id = given(world, rule.given)
    if rule.arrange:
        rule.arrange(world.app, world.staff, deal_id)
    before = version(world, deal_id)

    with pytest.raises(REFUSED) as caught:
        rule.act(world.app, world.staff, deal_id)

    assert caught.value.code == rule.code
    assert version(world, deal_id) == before


def test_a_rejected_contract_is_redrafted_and_reviewed_from_the_start(world: World) -> None:
    deal_id = given(world, "contract_review_zhaojingli")
    world.app.review_contract(world.staff["wangwu"], deal_id, approve=False, comment="条款")

    world.app.draft_contract(world.staff["zhangsan"], deal_id, **contract())

    deal = world.app.load(deal_id)
    assert deal.contract is not None
    assert (deal.contract["revision"], deal.contract["reviews"]) == (2, {})
    assert deal.stage == "proposal_approved"


def test_one_rejection_rejects_a_proposal_and_a_new_version_is_needed(world: World) -> None:
    deal_id = given(world, "proposal_review_product_manager")

    receipt = world.app.review_proposal(world.staff["wangwu"], deal_id, "V1.0", approve=False)

    assert receipt.events == ["ProposalReviewed", "ProposalRejected"]
    assert world.app.load(deal_id).proposals["V1.0"]["status"] == "rejected"
