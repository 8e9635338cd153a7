"""Syntax at the boundary (SPEC §3, §5): whatever a client sends answers 4xx with the
field named, never 500; money is read through its decimal text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interfaces.http.examples import BODIES
from tests.e2e.conftest import auth, open_deal

FINANCE = auth("sunzhuguan") | {"Content-Type": "application/json"}
PAYMENT = BODIES["prepayment"]


def signed_deal(client: TestClient) -> str:
    from tests.e2e.walkthrough import xx_keji

    deal = open_deal(client)
    for name, user, method, path, body in xx_keji(deal):
        client.request(method, path, json=body, headers=auth(user)).raise_for_status()
        if name == "signed":
            return deal
    raise AssertionError("the walk-through never signs")


def pay(client: TestClient, deal: str, raw: bytes | str) -> Any:
    content = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return client.post(f"/deals/{deal}/payments", content=content, headers=FINANCE)


BAD_PAYMENTS = [
    # (raw body, field named in the 422)
    ('{"received_on": "2024-03-12", "amount": "1.001"}', "amount"),
    ('{"received_on": "2024-03-12", "amount": 1.001}', "amount"),
    ('{"received_on": "2024-03-12", "amount": 1e400}', "amount"),
    ('{"received_on": "2024-03-12", "amount": "NaN"}', "amount"),
    ('{"received_on": "2024-03-12", "amount": ' + "9" * 5000 + "}", "body"),
    ('{"received_on": "2024-03-12", "amount": 0}', "amount"),
    ('{"received_on": "2024-03-12", "amount": "-5.00"}', "amount"),
    ('{"received_on": "2024-03-12", "amount": true}', "amount"),
    ('{"received_on": "2024-02-30", "amount": "1.00"}', "received_on"),
    ('{"received_on": "12/03/2024", "amount": "1.00"}', "received_on"),
    ('{"received_on": 20240312, "amount": "1.00"}', "received_on"),
    ('{"received_on": "2024-03-12", "amount": "1.00", "bonus": 1}', "bonus"),
    ('{"received_on": "2024-03-12", "amount": "1.00", "reference": "' + "x" * 201 + '"}',
     "reference"),
    ('{"received_on": "2024-03-12", "amount": "1.00", "reference": "\\ud800"}', "reference"),
    ('{"received_on": "2024-03-12", "amount": "1.00", "reference": "a\\u0000b"}', "reference"),
    ('{"received_on": "2024-03-12"', "body"),
    ("[" * 100_000 + "]" * 100_000, "body"),
    ("", "body"),
    ("[]", "body"),
]


@pytest.mark.parametrize(("raw", "field"), BAD_PAYMENTS)
def test_a_malformed_payment_is_422_naming_the_field(client: TestClient, raw: str,
                                                     field: str) -> None:
    deal = signed_deal(client)

    answer = pay(client, deal, raw)

    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "INVALID_INPUT"
    assert error["details"]["field"].startswith(field)


def test_bytes_that_are_not_utf8_are_422(client: TestClient) -> None:
    deal = signed_deal(client)

    answer = pay(client, deal, b'{"amount": "\xff\xfe1.00"}')

    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "INVALID_INPUT")


@pytest.mark.parametrize("amount", ["85500", 85500, 85500.0, "85500.00"])
def test_money_is_accepted_as_decimal_text_or_a_number(client: TestClient,
                                                       amount: Any) -> None:
    deal = signed_deal(client)

    answer = pay(client, deal, json.dumps(PAYMENT | {"amount": amount}))

    assert answer.status_code == 200, answer.text
    state = client.get(f"/deals/{deal}", headers=auth("sunzhuguan")).json()
    assert state["payments"][0]["amount"] == "85500.00"


def test_a_number_with_many_digits_is_read_exactly(client: TestClient) -> None:
    deal = signed_deal(client)

    answer = pay(client, deal, '{"received_on": "2024-03-12", "amount": 0.30}')

    assert answer.status_code == 200
    state = client.get(f"/deals/{deal}", headers=auth("sunzhuguan")).json()
    assert state["received"] == "0.30"


@pytest.mark.parametrize(("path", "code"), [
    ("/deals/not-a-uuid", "NOT_FOUND"),
    ("/deals/00000000-0000-0000-0000-000000000000", "NOT_FOUND"),
])
def test_an_id_in_the_path_that_names_nothing_is_404(client: TestClient, path: str,
                                                     code: str) -> None:
    answer = client.get(path, headers=auth("auditor"))

    assert (answer.status_code, answer.json()["error"]["code"]) == (404, code)


@pytest.mark.parametrize("path", ["/commitments/7/decision", "/commitments/x/decision",
                                  "/proposals/V9/reviews"])
def test_unknown_numbers_and_versions_in_the_path_are_404(client: TestClient, path: str) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}{path}", json={"decision": "approve", "role":
                         "sales_supervisor"} if "proposals" in path else {"decision": "confirm"},
                         headers=auth("zhaojingli"))

    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_an_unknown_task_in_the_path_is_404(client: TestClient) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}/tasks/dance/done", json={}, headers=auth("zhangsan"))

    assert answer.status_code == 404


def test_if_match_must_be_a_quoted_version(client: TestClient) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}/documents", json=BODIES["document"],
                         headers=auth("zhangsan") | {"If-Match": "yesterday"})

    assert (answer.status_code, answer.json()["error"]["details"]["field"]) == (422, "If-Match")


def test_duplicate_milestone_names_are_422(client: TestClient) -> None:
    deal = open_deal(client)
    plan = BODIES["proposal"]["payment_plan"]
    body = BODIES["proposal"] | {"payment_plan": [plan[0], plan[0]]}

    answer = client.post(f"/deals/{deal}/proposals", json=body, headers=auth("zhangsan"))

    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["field"] == "payment_plan"


def test_a_business_date_after_today_is_a_409_rule(client: TestClient) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}/grade", json=BODIES["grade"] | {"on": "2099-01-01"},
                         headers=auth("zhangsan"))

    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "DATE_IN_FUTURE")


def test_a_sha256_must_be_64_hex(client: TestClient) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}/documents", json=BODIES["document"] | {"sha256": "abc"},
                         headers=auth("zhangsan"))

    assert (answer.status_code, answer.json()["error"]["details"]["field"]) == (422, "sha256")


def test_free_text_over_4000_characters_is_422(client: TestClient) -> None:
    deal = open_deal(client)

    answer = client.post(f"/deals/{deal}/documents",
                         json=BODIES["document"] | {"note": "长" * 4001},
                         headers=auth("zhangsan"))

    assert (answer.status_code, answer.json()["error"]["details"]["field"]) == (422, "note")
