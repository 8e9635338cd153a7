"""The manual's tables as read models, on every store: the worked examples' rows,
waiting and pending review steps, receivables as of a date, access and read-your-writes
over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application import examples as ex
from interfaces.container import Container
from interfaces.http.app import create_app
from projections import attach
from projections import receivables as rv
from projections.queries import Query, ReadModels
from projections.runner import Runner
from tests.conftest import STORES, World

pytestmark = pytest.mark.parametrize("store_url", STORES, indirect=True)


@pytest.fixture
def container(world: World) -> Iterator[Container]:
    built = Container(world.app.settings, world.app, world.users, world.clock)
    attach(built)
    yield built
    built.extras["projections"].close()


@pytest.fixture
def demo(world: World, container: Container) -> dict[str, Any]:
    ids = ex.load_demo(world.app, world.clock, world.users)
    container.extras["projections"].catch_up()
    return ids


def models(container: Container) -> ReadModels:
    return ReadModels(container.extras["projections"], container.app.policy)


def read(container: Container, world: World, view: str, as_of: date, user: str = "admin",
         **filters: Any) -> list[dict[str, Any]]:
    query = Query(world.staff[user], as_of, owner=filters.pop("owner", None))
    items: list[dict[str, Any]] = getattr(models(container), view)(query, **filters)["items"]
    return items


def by_customer(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["customer"] == name]


def test_yy_zhizao_progress_payment_is_five_days_overdue_with_its_reason(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = by_customer(read(container, world, "receivables", date(2024, 5, 5)), "YY制造有限公司")

    progress = next(r for r in rows if r["milestone"] == "progress")
    assert (progress["contract_no"], progress["amount"], progress["due_on"]) == (
        "SO2024031002", "150000.00", "2024-04-30")
    assert (progress["status"], progress["days_overdue"], progress["escalated"]) == (
        "overdue", 5, False)
    assert progress["overdue_reason"] == "客户资金审批延迟"
    assert progress["owner"] == "lisi"


@pytest.mark.parametrize(("as_of", "days", "escalated"), [
    (date(2024, 5, 30), 30, False), (date(2024, 5, 31), 31, True)])
def test_a_receivable_more_than_thirty_days_overdue_is_escalated(
        container: Container, world: World, demo: dict[str, Any], as_of: date, days: int,
        escalated: bool) -> None:
    rows = read(container, world, "receivables", as_of, status="overdue")

    assert [(r["customer"], r["milestone"], r["days_overdue"], r["escalated"])
            for r in rows] == [("YY制造有限公司", "progress", days, escalated)]


def test_xx_keji_receivables_are_paid_as_table_10_says(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = by_customer(read(container, world, "receivables", date(2024, 5, 26)), "XX科技有限公司")

    assert [(r["milestone"], r["amount"], r["paid_on"], r["status"]) for r in rows] == [
        ("prepayment", "85500.00", "2024-03-12", "paid"),
        ("progress", "85500.00", "2024-04-24", "paid"),
        ("final", "114000.00", "2024-05-25", "paid")]
    assert {r["contract_amount"] for r in rows} == {"285000.00"}


def test_payments_received_after_as_of_do_not_count(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = by_customer(read(container, world, "receivables", date(2024, 5, 24)), "XX科技有限公司")

    final = rows[-1]
    assert (final["received"], final["paid_on"], final["status"]) == ("0.00", None, "not_due")


def test_the_follow_up_table_holds_table_2s_rows(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = read(container, world, "follow_ups", date(2024, 3, 6))

    picked = {r["customer"]: (r["contact"], r["last_follow_up_on"], r["summary"], r["feedback"],
                              r["next_step"], r["owner"], r["overdue"]) for r in rows}
    assert picked["XX科技有限公司"] == ("陈总", "2024-03-01", "介绍服务器租赁方案",
                                    "需提供详细成本对比", "发送方案", "zhangsan", True)
    assert picked["YY制造有限公司"] == ("王经理", "2024-02-28", "沟通数据采集需求",
                                    "预算需内部审批", "再跟进", "lisi", False)


def test_the_order_approval_of_table_7_lists_three_approved_steps(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = read(container, world, "approvals", date(2024, 3, 12), subject="order")

    xx = by_customer(rows, "XX科技有限公司")
    assert [(r["ref"], r["role"], r["status"], r["decided_by"]) for r in
            sorted(xx, key=lambda r: r["step"])] == [
        ("SO2024031001 round 1", "sales_supervisor", "approved", "zhaojingli"),
        ("SO2024031001 round 1", "production", "approved", "zhoujingli"),
        ("SO2024031001 round 1", "finance", "approved", "sunzhuguan")]


def test_a_sequential_step_waits_for_its_predecessor_and_then_is_pending(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    before = by_customer(read(container, world, "approvals", date(2024, 3, 20),
                              subject="contract"), "BB医疗有限公司")
    world.clock.set(date(2024, 3, 20))
    world.app.review_contract(world.staff["wangwu"], demo["BB医疗有限公司"], approve=True)
    container.extras["projections"].catch_up()

    after = by_customer(read(container, world, "approvals", date(2024, 3, 20),
                             subject="contract"), "BB医疗有限公司")

    assert {r["role"]: r["status"] for r in before} == {
        "sales_supervisor": "approved", "legal": "pending", "finance": "waiting"}
    assert {r["role"]: r["status"] for r in after} == {
        "sales_supervisor": "approved", "legal": "approved", "finance": "pending"}


def test_proposal_reviews_in_any_order_are_all_pending_at_once(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = read(container, world, "approvals", date(2024, 3, 20), status="pending",
                subject="proposal")

    assert sorted((r["customer"], r["role"]) for r in rows) == [
        ("AA电子有限公司", "legal"), ("AA电子有限公司", "product_manager")]


def test_a_rejected_contract_revision_leaves_its_open_steps_superseded(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    world.clock.set(date(2024, 3, 20))
    world.app.review_contract(world.staff["wangwu"], demo["BB医疗有限公司"], approve=False,
                              comment="违约条款不完整")
    container.extras["projections"].catch_up()

    rows = by_customer(read(container, world, "approvals", date(2024, 3, 20),
                            subject="contract"), "BB医疗有限公司")

    assert {r["role"]: r["status"] for r in rows} == {
        "sales_supervisor": "approved", "legal": "rejected", "finance": "superseded"}


def test_the_maintenance_plan_classes_customers_as_table_9(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = {r["customer"]: r for r in read(container, world, "maintenance", date(2024, 3, 31))}

    assert (rows["XX科技有限公司"]["class"], rows["XX科技有限公司"]["cadence"],
            rows["XX科技有限公司"]["next_due"]) == ("A", "monthly", "2024-04-05")
    assert (rows["YY制造有限公司"]["class"], rows["YY制造有限公司"]["cadence"]) == (
        "B", "quarterly")
    assert set(rows) == {"XX科技有限公司", "YY制造有限公司"}  # only signed customers


def test_aging_puts_outstanding_money_in_buckets(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    answer = models(container).aging(Query(world.staff["sunzhuguan"], date(2024, 5, 5)))

    assert answer["buckets"] == {"current": "174000.00", "1-30": "150000.00", "31-60": "0.00",
                                 "61-90": "0.00", "90+": "0.00"}
    assert answer["total_outstanding"] == "324000.00"


def test_status_filters_and_aging_in_sql_agree_with_each_rows_own_status_on_every_day(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    days = [date(2024, 3, 1) + timedelta(days=n) for n in range(0, 160, 3)]
    seen: set[str] = set()

    for day in days:
        rows = read(container, world, "receivables", day)
        filtered = {status: read(container, world, "receivables", day, status=status)
                    for status in ("scheduled", "not_due", "due", "overdue", "paid")}
        in_sql = models(container).aging(Query(world.staff["admin"], day))
        in_sql.pop("position")

        for status, found in filtered.items():
            assert found == [r for r in rows if r["status"] == status], (day, status)
        assert in_sql == rv.aging(rows, day), day
        seen |= {r["status"] for r in rows}
    assert seen >= {"scheduled", "not_due", "overdue", "paid"}  # the filters were exercised

def test_the_pipeline_counts_deals_per_stage_and_conversion(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    summary = models(container).pipeline_summary(Query(world.staff["admin"], date(2024, 6, 1)))

    assert summary["total"] == 6
    assert summary["counts"]["paid"] == 1 and summary["counts"]["lost"] == 1
    assert summary["conversion"][0] == {"from": "opened", "to": "graded", "entered": 6,
                                        "advanced": 6, "rate": "100.00"}


def test_the_agenda_lists_policy_deadlines_until_they_close(
        container: Container, world: World, demo: dict[str, Any]) -> None:
    rows = read(container, world, "agenda", date(2024, 3, 1), owner="zhangsan")
    tasks = {(r["customer"], r["task"]) for r in rows}
    world.clock.set(date(2024, 5, 25))
    world.app.complete_task(world.staff["zhangsan"], demo["XX科技有限公司"], "return_visit",
                            note="回访完成")
    container.extras["projections"].catch_up()

    after = {(r["customer"], r["task"])
             for r in read(container, world, "agenda", date(2024, 5, 25), owner="zhangsan")}

    assert ("ZZ贸易有限公司", "info_recheck") in tasks
    assert ("AA电子有限公司", "feedback") not in tasks
    assert ("XX科技有限公司", "return_visit") in tasks
    assert ("XX科技有限公司", "return_visit") not in after
    assert all(r["assignee"] == "zhangsan" for r in rows)


# -- over HTTP -------------------------------------------------------------------------------
def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer token-{user}"}


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    container.extras["projections"].start()
    with TestClient(create_app(container)) as test_client:
        yield test_client


def test_a_rep_sees_only_their_own_deals_and_integration_is_forbidden(
        client: TestClient, demo: dict[str, Any]) -> None:
    mine = client.get("/pipeline", headers=auth("lisi")).json()
    forbidden = client.get("/receivables", headers=auth("feed"))

    assert {r["owner"] for r in mine["items"]} == {"lisi"}
    assert mine["total"] == 3
    assert forbidden.status_code == 403
    assert client.get("/agenda").status_code == 401


def test_a_list_reads_its_own_writes_with_after(client: TestClient, world: World,
                                                container: Container) -> None:
    runner: Runner = container.extras["projections"]
    receipts = ex.run(world.app, world.clock, ex.xx_keji_steps(
        world.app, world.staff, __import__("uuid").uuid4()), until="signed")

    answer = client.get("/receivables", params={"after": receipts[-1].position,
                                                "as_of": "2024-03-14"},
                        headers=auth("zhaojingli")).json()

    assert answer["position"] >= receipts[-1].position
    assert [(r["milestone"], r["status"], r["days_overdue"]) for r in answer["items"]] == [
        ("prepayment", "overdue", 4), ("progress", "scheduled", 0), ("final", "scheduled", 0)]
    assert runner.position("receivables") >= receipts[-1].position



def test_a_position_beyond_the_log_head_is_refused_at_once(client: TestClient,
                                                          demo: dict[str, Any]) -> None:
    head = client.get("/pipeline", headers=auth("admin")).json()["position"]

    answer = client.get("/pipeline", params={"after": head + 1}, headers=auth("admin"))
    reached = client.get("/pipeline", params={"after": head}, headers=auth("admin"))

    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["field"] == "after"
    assert reached.status_code == 200 and reached.json()["position"] >= head

def test_lists_answer_the_shared_frame_and_page(client: TestClient,
                                                demo: dict[str, Any]) -> None:
    page = client.get("/follow-ups", params={"limit": 2, "offset": 1},
                      headers=auth("admin")).json()
    big = client.get("/approvals", params={"limit": 5000}, headers=auth("admin")).json()
    aging = client.get("/receivables/aging", params={"as_of": "2024-05-05"},
                       headers=auth("admin")).json()

    assert set(page) == {"items", "total", "limit", "offset", "position"}
    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 6, 2, 1)
    assert big["limit"] == 1000
    assert aging["buckets"]["1-30"] == "150000.00"
