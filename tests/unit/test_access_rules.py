"""SPEC §2: roles, ownership, named item owners, segregation of duties, one named review
role, and conditional commands. A refused command appends nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from application.errors import ApplicationError, InvalidInputError
from application.service import Dealtrail
from tests.conftest import World
from tests.unit.support import (
    REFUSED,
    Act,
    Rule,
    Staff,
    complaint,
    deal_events,
    given,
    member,
    payment,
    rules,
    version,
)

GRADE_A: dict[str, Any] = {"grade": "A", "need": "clear", "budget": "sufficient",
                           "decision_chain": "clear"}


def hire(name: str, *roles: str) -> Act:
    return lambda app, s, d: app.users.add(name, list(roles))


def boss_owns(app: Dealtrail, s: Staff, d: uuid.UUID) -> None:
    """A rep who is also a supervisor owns the deal."""
    hire("boss", "sales_rep", "sales_supervisor")(app, s, d)
    app.change_owner(s["zhaojingli"], d, "boss")


RULES = rules(
    legal_runs_a_deal_step=Rule("FORBIDDEN", "open", lambda app, s, d:
                                app.grade(s["wangwu"], d, **GRADE_A)),
    admin_reviews_a_proposal=Rule("FORBIDDEN", "proposal", lambda app, s, d:
                                  app.review_proposal(s["admin"], d, "V1.0", approve=True)),
    a_rep_records_a_payment=Rule("FORBIDDEN", "signed", lambda app, s, d:
                                 app.receive_payment(s["zhangsan"], d, **payment())),
    a_rep_reassigns_a_deal=Rule("FORBIDDEN", "open", lambda app, s, d:
                                app.change_owner(s["zhangsan"], d, "lisi")),
    a_reviewer_names_a_role_they_lack=Rule("FORBIDDEN", "proposal", lambda app, s, d:
                                           app.review_proposal(s["qianpm"], d, "V1.0",
                                                               approve=True, role="legal")),
    finance_confirms_a_commitment=Rule("FORBIDDEN", "commitment", lambda app, s, d:
                                       app.decide_commitment(s["sunzhuguan"], d, 1, confirm=True)),
    another_rep_acts_on_the_deal=Rule("NOT_OWNER", "open", lambda app, s, d:
                                      app.grade(s["lisi"], d, **GRADE_A)),
    someone_else_resolves_a_named_complaint=Rule(
        "NOT_OWNER", "signed", lambda app, s, d: app.resolve_complaint(s["qianpm"], d, 1, note="x"),
        arrange=lambda app, s, d: complaint(app, s, d, owner="lisi")),
    someone_else_resolves_named_feedback=Rule(
        "NOT_OWNER", "feedback", lambda app, s, d:
        app.resolve_feedback(s["wugong"], d, "V1.0", 1, resolution="x")),
    the_owner_reviews_their_own_proposal=Rule(
        "SELF_APPROVAL", "proposal", arrange=boss_owns,
        act=lambda app, s, d: app.review_proposal(member(app.users, "boss"), d, "V1.0",
                                                  approve=True)),
    the_owner_confirms_their_own_commitment=Rule(
        "SELF_APPROVAL", "commitment", arrange=boss_owns,
        act=lambda app, s, d: app.decide_commitment(member(app.users, "boss"), d, 1, confirm=True)),
    the_owner_reviews_their_own_contract=Rule(
        "SELF_APPROVAL", "contract", arrange=boss_owns,
        act=lambda app, s, d: app.review_contract(member(app.users, "boss"), d, approve=True)),
    a_stale_expected_version=Rule("VERSION_CONFLICT", "grade", lambda app, s, d:
                                  app.grade(s["zhangsan"], d, **GRADE_A, expected=1)),
    a_user_with_two_review_roles_names_none=Rule(
        "INVALID_INPUT", "proposal",
        arrange=hire("twohats", "sales_supervisor", "legal"),
        act=lambda app, s, d: app.review_proposal(member(app.users, "twohats"), d, "V1.0",
                                                  approve=True)),
)


@pytest.mark.parametrize("rule", RULES)
def test_a_command_by_the_wrong_person_is_refused_and_appends_nothing(
        world: World, rule: Rule) -> None:
    deal_id = given(world, rule.given)
    if rule.arrange:
        rule.arrange(world.app, world.staff, deal_id)
    before = version(world, deal_id)

    with pytest.raises(REFUSED) as caught:
        rule.act(world.app, world.staff, deal_id)

    assert caught.value.code == rule.code
    assert version(world, deal_id) == before


def test_a_user_with_two_review_roles_must_name_one(world: World) -> None:
    deal_id = given(world, "proposal")
    world.users.add("twohats", ["sales_supervisor", "legal"])

    with pytest.raises(InvalidInputError) as caught:
        world.app.review_proposal(member(world.users, "twohats"), deal_id, "V1.0", approve=True)

    assert caught.value.details["field"] == "role"


def test_a_user_with_two_review_roles_reviews_in_the_role_they_name(world: World) -> None:
    deal_id = given(world, "proposal")
    world.users.add("twohats", ["sales_supervisor", "legal"])

    world.app.review_proposal(member(world.users, "twohats"), deal_id, "V1.0", approve=True,
                              role="legal")

    review = world.app.load(deal_id).proposals["V1.0"]["reviews"]["legal"]
    assert (review["by"], review["role"]) == ("twohats", "legal")


def test_the_named_feedback_owner_may_resolve_it(world: World) -> None:
    deal_id = given(world, "feedback")

    world.app.resolve_feedback(world.staff["lisi"], deal_id, "V1.0", 1, resolution="分阶段")

    item = world.app.load(deal_id).proposals["V1.0"]["feedback"][0]
    assert item["resolved_on"] is not None


def test_the_named_complaint_owner_may_respond_and_resolve(world: World) -> None:
    deal_id = given(world, "signed")
    complaint(world.app, world.staff, deal_id, owner="wugong")

    world.app.respond_complaint(world.staff["wugong"], deal_id, 1, note="已到场")
    world.app.resolve_complaint(world.staff["wugong"], deal_id, 1, note="已修复")

    events = deal_events(world.app, deal_id)
    assert [(e.actor.name, e.actor.role) for e in events[-2:]] == [
        ("wugong", "engineering"), ("wugong", "engineering")]


@pytest.mark.parametrize(("who", "role"), [("zhaojingli", "sales_supervisor"),
                                           ("admin", "admin"), ("zhangsan", "sales_rep")])
def test_the_owner_a_supervisor_or_admin_run_the_deals_steps(
        world: World, who: str, role: str) -> None:
    deal_id = given(world, "open")

    world.app.grade(world.staff[who], deal_id, **GRADE_A)

    last = deal_events(world.app, deal_id)[-1]
    assert (last.actor.name, last.actor.role) == (who, role)


def test_a_deal_not_in_the_store_is_not_found(world: World) -> None:
    deal_id = uuid.uuid4()

    with pytest.raises(ApplicationError) as caught:
        world.app.grade(world.staff["zhangsan"], deal_id, **GRADE_A)

    assert caught.value.code == "NOT_FOUND"
