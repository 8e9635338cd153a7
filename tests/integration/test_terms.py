"""Terms in force on a date (SPEC §7): the signed contract, then a supplementary agreement
that raises the amount, moves the delivery due date and replaces the criteria."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from application.examples import DOC, run, xx_keji_steps
from domain.values import Criterion, Impact, Signatory
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site

pytestmark = pytest.mark.parametrize("store_url", STORES, indirect=True)
AGREEMENT_DOC = "ab" * 32
NEW_CRITERIA = [Criterion("服务器功能", "功能测试通过率100%"),
                Criterion("性能", "订单报表生成时间小于1分钟")]


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


def signed_then_changed(site: Site) -> UUID:
    """XX科技 up to signing (2024-03-10), then change 1: +15,000.00, +10 days and new
    criteria, requested 03-12, assessed by three roles, agreed and signed 03-15."""
    app, staff, deal_id = site.app, site.staff, uuid.uuid4()
    run(app, site.clock, xx_keji_steps(app, staff, deal_id), until="signed")
    site.clock.set(date(2024, 3, 15))
    app.request_change(staff["zhangsan"], deal_id, requested_on=date(2024, 3, 12),
                       content="增加性能验收标准，扩容实施", reason="客户业务增长",
                       impact=Impact(amount_delta=Decimal("15000.00"), delivery_days_delta=10,
                                     acceptance_criteria=NEW_CRITERIA))
    for who in ("zhaojingli", "qianpm", "wugong"):
        app.assess_change(staff[who], deal_id, 1, feasible=True, comment="可行")
    app.agree_change(staff["zhangsan"], deal_id, 1, agreement_no="SA-2024-001",
                     signed_on=date(2024, 3, 15),
                     customer_signatory=Signatory("陈总", "技术总监"),
                     document_sha256=AGREEMENT_DOC)
    return deal_id


def terms(site: Site, deal_id: UUID, on: str, who: str = "auditor") -> Any:
    return site.client.get(f"/deals/{deal_id}/terms", params={"on": on}, headers=bearer(who))


def test_before_the_agreement_the_signed_contract_is_in_force(site: Site) -> None:
    deal_id = signed_then_changed(site)

    answer = terms(site, deal_id, "2024-03-14").json()

    assert answer["contract_no"] == "SO2024031001" and answer["amount"] == "285000.00"
    assert answer["delivery_due"] == "2024-03-25"
    assert [c["standard"] for c in answer["acceptance_criteria"]] == [
        "功能测试通过率100%", "培训满意度≥90分"]
    assert [m["amount"] for m in answer["payment_schedule"]] == [
        "85500.00", "85500.00", "114000.00"]
    assert [(s["type"], s["signed_on"], s["document_sha256"]) for s in answer["sources"]] == [
        ("ContractSigned", "2024-03-10", DOC)]


def test_from_the_agreement_on_its_amount_due_date_and_criteria_are_in_force(
        site: Site) -> None:
    deal_id = signed_then_changed(site)

    answer = terms(site, deal_id, "2024-03-15").json()

    assert answer["amount"] == "300000.00"
    assert answer["delivery_due"] == "2024-04-04"
    assert [c["item"] for c in answer["acceptance_criteria"]] == ["服务器功能", "性能"]
    assert [m["amount"] for m in answer["payment_schedule"]] == [
        "90000.00", "90000.00", "120000.00"]
    agreement = answer["sources"][-1]
    assert agreement["type"] == "ChangeAgreed" and agreement["signed_on"] == "2024-03-15"
    assert agreement["signatory"] == {"name": "陈总", "title": "技术总监"}
    assert agreement["document_sha256"] == AGREEMENT_DOC
    assert agreement["agreement_no"] == "SA-2024-001"


def test_only_commitments_made_and_confirmed_by_the_date_count(site: Site) -> None:
    deal_id = signed_then_changed(site)

    made_only = terms(site, deal_id, "2024-03-08").json()
    confirmed = terms(site, deal_id, "2024-03-09").json()

    assert made_only["commitments"] == [] and made_only["contract_no"] is None
    assert [c["text"] for c in confirmed["commitments"]] == ["质保期1年，可付费延长至18个月"]
    assert confirmed["commitments"][0]["confirmed_by"] == "zhaojingli"
    assert confirmed["amount"] is None and confirmed["sources"] == []


def test_terms_follow_the_reading_rules(site: Site) -> None:
    deal_id = signed_then_changed(site)

    assert terms(site, deal_id, "2024-03-15", "zhangsan").status_code == 200
    assert terms(site, deal_id, "2024-03-15", "lisi").status_code == 404
    assert terms(site, deal_id, "2024-03-15", "feed").status_code == 403
    assert terms(site, deal_id, "2024-13-01").status_code == 422
    assert terms(site, uuid.uuid4(), "2024-03-15").status_code == 404
