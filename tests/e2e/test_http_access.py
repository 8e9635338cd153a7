"""Who may call which command (SPEC §2), through HTTP: every command route for every
role, owner and non-owner, and the order of checks (401 → 403 → 422 → 404 → 403 → 409)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.clock import FixedClock
from application.config import Settings
from application.examples import STAFF, add_staff
from application.users import UserDirectory
from interfaces.container import Container
from interfaces.http.app import create_app
from interfaces.http.examples import BODIES
from tests.e2e.conftest import auth, open_deal
from tests.e2e.walkthrough import xx_keji

STEP, PAYMENT, REASSIGN = "step", "payment", "reassign"
PROPOSAL = ("sales_supervisor", "product_manager", "legal")
CONTRACT = ("sales_supervisor", "legal", "finance")
ORDER = ("sales_supervisor", "production", "finance")
CHANGE = ("sales_supervisor", "product_manager", "engineering")
OPEN_FOR_SELF = {k: v for k, v in BODIES["open"].items() if k != "owner"}

#: (method, path under /deals/{id}, body, who may call it)
ROUTES: list[tuple[str, str, dict[str, Any], Any]] = [
    ("POST", "/contacts", BODIES["contact"], STEP),
    ("PUT", "/contacts/陈总", BODIES["contact_update"], STEP),
    ("PUT", "/customer", BODIES["customer"], STEP),
    ("POST", "/owner", BODIES["owner"], REASSIGN),
    ("POST", "/grade", BODIES["grade"], STEP),
    ("POST", "/follow-ups", BODIES["follow_up"], STEP),
    ("POST", "/commitments", BODIES["commitment"], STEP),
    ("POST", "/commitments/1/decision", BODIES["commitment_decision"], ("sales_supervisor",)),
    ("POST", "/survey", BODIES["survey"], STEP),
    ("POST", "/proposals", BODIES["proposal"] | {"version": "V2.0"}, STEP),
    ("POST", "/proposals/V1.0/reviews", {"decision": "approve"}, PROPOSAL),
    ("POST", "/proposals/V1.0/feedback", BODIES["feedback"], STEP),
    ("POST", "/proposals/V1.0/feedback/1/resolve", BODIES["feedback_resolve"], "lisi"),
    ("POST", "/contract", BODIES["contract"], STEP),
    ("POST", "/contract/reviews", {"decision": "approve"}, CONTRACT),
    ("POST", "/contract/sign", BODIES["sign"], STEP),
    ("POST", "/order/reviews", {"decision": "approve"}, ORDER),
    ("POST", "/deliveries", BODIES["delivery"], STEP),
    ("POST", "/delays", BODIES["delay"], STEP),
    ("POST", "/acceptance", BODIES["acceptance"], STEP),
    ("POST", "/payments", BODIES["prepayment"] | {"amount": "1.00"}, PAYMENT),
    ("POST", "/receivables/prepayment/overdue-reason", BODIES["overdue_reason"], STEP),
    ("POST", "/changes", BODIES["change"], STEP),
    ("POST", "/changes/1/assessments", {"decision": "feasible"}, CHANGE),
    ("POST", "/changes/1/agreement", BODIES["agreement"], STEP),
    ("POST", "/lost", BODIES["lost"], STEP),
    ("POST", "/complaints", BODIES["complaint"], STEP),
    ("POST", "/complaints/1/respond", BODIES["complaint_note"], "sunzhuguan"),
    ("POST", "/complaints/1/resolve", BODIES["complaint_note"], "sunzhuguan"),
    ("POST", "/documents", BODIES["document"], STEP),
    ("POST", "/tasks/prepayment_notice/done", BODIES["task_done"], STEP),
]
OWNER = "zhangsan"


def expected(rule: Any, user: str) -> str:
    """'allow', or the 403 code the SPEC's access rules give this user."""
    roles = STAFF[user]
    runs_steps = user == OWNER or "sales_supervisor" in roles or "admin" in roles
    if rule == STEP:
        if runs_steps:
            return "allow"
        return "NOT_OWNER" if "sales_rep" in roles else "FORBIDDEN"
    if rule == PAYMENT:
        return "allow" if {"finance", "admin"} & set(roles) else "FORBIDDEN"
    if rule == REASSIGN:
        return "allow" if {"sales_supervisor", "admin"} & set(roles) else "FORBIDDEN"
    if isinstance(rule, str):  # a named item owner may take the step too
        return "allow" if runs_steps or user == rule else "NOT_OWNER"
    return "allow" if set(rule) & set(roles) else "FORBIDDEN"


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[TestClient, str]]:
    """A deal signed by zhangsan with feedback 1 (owner lisi), commitment 1, change 1 and
    complaint 1 (owner sunzhuguan): every path id of every route exists."""
    users = UserDirectory()
    add_staff(users)
    container = Container.build(Settings(database_url="memory://"),
                                FixedClock(date(2024, 6, 1)), users)
    with TestClient(create_app(container)) as http:
        deal = open_deal(http)
        for name, user, method, path, body in xx_keji(deal):
            http.request(method, path, json=body, headers=auth(user)).raise_for_status()
            if name == "signed":
                break
        for path, key in (("/changes", "change"), ("/complaints", "complaint")):
            body = BODIES[key] | ({"owner": "sunzhuguan"} if key == "complaint" else {})
            http.post(f"/deals/{deal}{path}", json=body, headers=auth(OWNER)).raise_for_status()
        yield http, deal
    container.close()


CASES = [pytest.param(method, path, body, rule, user, id=f"{method} {path} as {user}")
         for method, path, body, rule in ROUTES for user in STAFF]


@pytest.mark.parametrize(("method", "path", "body", "rule", "user"), CASES)
def test_each_role_may_call_exactly_the_commands_the_spec_gives_it(
        world: tuple[TestClient, str], method: str, path: str, body: dict[str, Any],
        rule: Any, user: str) -> None:
    http, deal = world

    answer = http.request(method, f"/deals/{deal}{path}", json=body, headers=auth(user))

    want = expected(rule, user)
    if want == "allow":
        assert answer.status_code in (200, 409), answer.text
    else:
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, want)


@pytest.mark.parametrize("user", list(STAFF))
def test_opening_a_deal_is_for_reps_supervisors_and_admins(
        world: tuple[TestClient, str], user: str) -> None:
    http, _ = world

    answer = http.post("/deals", json=OPEN_FOR_SELF, headers=auth(user))

    if {"sales_rep", "sales_supervisor", "admin"} & set(STAFF[user]):
        assert answer.status_code in (201, 409), answer.text  # 409: a supervisor owns no deal
    else:
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "FORBIDDEN")


@pytest.mark.parametrize("user", list(STAFF))
def test_a_deal_is_read_by_its_owner_and_every_role_but_other_reps_and_integration(
        world: tuple[TestClient, str], user: str) -> None:
    http, deal = world

    one = http.get(f"/deals/{deal}", headers=auth(user))
    listed = http.get("/deals", headers=auth(user))

    if user == "feed":
        assert (one.status_code, listed.status_code) == (403, 403)
    elif user == "lisi":
        assert one.status_code == 404
        assert {d["owner"] for d in listed.json()["items"]} <= {"lisi"}
    else:
        assert one.status_code == 200 and deal in [d["deal_id"] for d in listed.json()["items"]]


def test_a_rep_who_also_reviews_may_not_review_their_own_deal(
        world: tuple[TestClient, str]) -> None:
    http, _ = world
    # TestClient types .app as a bare ASGI callable; it is our FastAPI app, with its state
    container: Container = http.app.state.container  # type: ignore[attr-defined]
    container.users.add("boss", ["sales_rep", "sales_supervisor"], token="token-boss")
    deal = open_deal(http, OPEN_FOR_SELF, user="boss")
    http.post(f"/deals/{deal}/commitments", json=BODIES["commitment"],
              headers=auth("boss")).raise_for_status()

    own = http.post(f"/deals/{deal}/commitments/1/decision",
                    json=BODIES["commitment_decision"], headers=auth("boss"))
    other = http.post(f"/deals/{deal}/commitments/1/decision",
                      json=BODIES["commitment_decision"], headers=auth("zhaojingli"))

    assert (own.status_code, own.json()["error"]["code"]) == (403, "SELF_APPROVAL")
    assert other.status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "rule"), ROUTES)
def test_every_command_needs_a_known_bearer_token(
        world: tuple[TestClient, str], method: str, path: str, body: dict[str, Any],
        rule: Any) -> None:
    http, deal = world

    missing = http.request(method, f"/deals/{deal}{path}", json=body)
    unknown = http.request(method, f"/deals/{deal}{path}", json=body,
                           headers={"Authorization": "Bearer nope"})

    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    assert unknown.status_code == 401


ORDER_OF_CHECKS = [
    # (who, path, body, status, code): the first failing check answers
    ("nobody", "/payments", "{not json", 401, "UNAUTHENTICATED"),
    ("wangwu", "/payments", "{not json", 403, "FORBIDDEN"),
    ("wangwu", "/payments", '{"amount": "1.001"}', 403, "FORBIDDEN"),
    ("sunzhuguan", "/payments", "{not json", 422, "INVALID_INPUT"),
    ("sunzhuguan", "/payments", '{"amount": "1.001"}', 422, "INVALID_INPUT"),
    ("lisi", "/../00000000-0000-0000-0000-000000000000/grade", '{"grade": "Z"}', 422,
     "INVALID_INPUT"),
    ("lisi", "/commitments/99/decision", '{"decision": "confirm"}', 403, "FORBIDDEN"),
    ("zhaojingli", "/commitments/99/decision", '{"decision": "confirm"}', 404, "NOT_FOUND"),
    ("lisi", "/commitments", '{"text": "x"}', 403, "NOT_OWNER"),
    ("zhangsan", "/lost", '{"reason": "x"}', 409, "DEAL_ALREADY_CONTRACTED"),
]


@pytest.mark.parametrize(("user", "path", "raw", "status", "code"), ORDER_OF_CHECKS)
def test_the_first_failing_check_answers_in_the_spec_order(
        world: tuple[TestClient, str], user: str, path: str, raw: str, status: int,
        code: str) -> None:
    http, deal = world

    answer = http.post(f"/deals/{deal}{path}", content=raw.encode(),
                       headers=auth(user) | {"Content-Type": "application/json"})

    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.text
