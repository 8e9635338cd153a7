"""A large, realistic dealtrail database for the read-model benchmarks (issue 7, part 5).

    .venv/bin/python -m bench.dataset --deals 50000

Every event is a real one: each step is an application command (``Dealtrail``'s own use
cases, the same rule checks, hash chain and actors as through the API). Only the
store round trips are batched: a deal's loads come from memory and its pending events
are saved for a thousand deals per ``app.save(...)`` call, one step of each deal per
call, so the log interleaves the deals as many users working at once would.

The deals follow the manual's XX科技 script (``application.examples.xx_keji_steps``)
with dates spread over 2025-2026, ten sales reps, a quantity (so an amount) per deal,
extra follow-ups, late deliveries, unpaid milestones, lost deals, and a stop at every
stage. ~20 events per deal on average: 50,000 deals make ~1,000,000 events.

The database (events, read models rebuilt, users) is cached under
``var/bench/deals-<N>/`` and reused while ``DATASET_VERSION`` is unchanged.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal as D
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from application.clock import FixedClock
from application.config import Settings
from application.core import Receipt
from application.examples import CONTRACT_285K, DOC, SCHEDULE_30_30_40, STAFF, add_staff
from application.service import Dealtrail
from application.users import User, UserDirectory
from domain.deal import Deal
from domain.values import (
    Budget,
    Contact,
    Customer,
    DecisionFactor,
    Line,
    Milestone,
    Need,
    Parties,
    Party,
    ProposalItem,
    Response,
    Result,
    Signatory,
)

DATASET_VERSION = 1
ROOT = Path("var/bench")
REPS = ("zhangsan", "lisi", *(f"rep{i:02d}" for i in range(1, 9)))
FIRST_DAY, SPREAD_DAYS = date(2025, 1, 1), 600  # the last deal opens 2026-08-23
CHUNK = 1000  # deals in memory at once; one step of each per save
NS = UUID("5b1c7f36-8a2e-4c61-9a51-7f0e5e1d2b11")
Step = tuple[date, str, Callable[[], Receipt]]


class Batching(Dealtrail):
    """The application with its store round trips batched: a deal loads from memory
    once opened here, and ``_save`` only keeps it; ``flush`` saves every held deal's
    pending events in one ``save`` call (one transaction)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: dict[UUID, Deal] = {}

    def load(self, deal_id: UUID, version: int | None = None) -> Deal:
        if version is None and deal_id in self.held:
            return self.held[deal_id]
        return super().load(deal_id, version)

    def _save(self, deal: Deal) -> Receipt:
        names = [type(e).__name__ for e in deal.pending_events]
        self.held[deal.id] = deal
        return Receipt(deal.id, deal.version + len(deal.pending_events), 0, names)

    def flush(self) -> int:
        dirty = [d for d in self.held.values() if d.pending_events]
        events = sum(len(d.pending_events) for d in dirty)
        if dirty:
            self.save(*dirty)
        return events


def add_reps(users: UserDirectory) -> dict[str, User]:
    """The example's staff plus eight more sales reps (tokens ``token-<name>``)."""
    add_staff(users)
    for name in REPS:
        if users.get(name) is None:
            users.add(name, ["sales_rep"], token=f"token-{name}")
    return {name: users.get(name) for name in (*STAFF, *REPS)}  # type: ignore[misc]


#: Where a deal stops (the last step run) and how often; None runs the whole script.
STOPS: list[tuple[str | None, int]] = [
    ("grade", 5), ("follow_up", 5), ("survey", 4), ("proposal_review_sales_supervisor", 3),
    ("commitment", 3), ("contract_review_zhaojingli", 4), ("signed", 5),
    ("order_zhoujingli", 4), ("prepayment", 8), ("delivered", 8), ("accepted", 10),
    ("progress_paid", 12), (None, 16), ("lost", 6),
]


def deal_steps(app: Dealtrail, staff: dict[str, User], i: int, n: int) -> Iterator[Step]:
    """Deal number ``i`` of ``n``: the XX科技 script with its own dates, owner, customer,
    quantity, extra follow-ups, and a stop."""
    rng = random.Random(i)
    stop = rng.choices([s for s, _ in STOPS], [w for _, w in STOPS])[0]
    return until(script(app, staff, i, n, rng, stop), stop)


def script(app: Dealtrail, staff: dict[str, User], i: int, n: int, rng: random.Random,
           stop: str | None) -> Iterator[Step]:
    d = uuid5(NS, str(i))
    rep, sup, fin = staff[REPS[rng.randrange(len(REPS))]], staff["zhaojingli"], staff["sunzhuguan"]
    day0 = FIRST_DAY + timedelta(days=i * SPREAD_DAYS // max(n, 1))

    def on(k: int) -> date:
        return day0 + timedelta(days=k)

    qty = rng.randint(1, 9)
    total = D(50000) * (qty + 1)
    amount = total * D("0.95")
    late = rng.random() < 0.2  # delivered after the contract's 15 days
    customer = Customer(name=f"客户{i % (n // 2 + 1):06d}有限公司", industry="制造业",
                        employees=rng.randint(50, 5000), annual_revenue=D(10**8),
                        address=f"某市某区{i}号", business="主营业务", needs="降低运维成本")
    chen = Signatory("陈总", "技术总监")
    yield on(0), "open", lambda: app.open_deal(
        sup, owner=rep.name, deal_id=d, customer=customer,
        contacts=[Contact("陈总", "技术总监", True, f"138{i:08d}")],
        source=rng.choice(["exhibition", "website", "cold_call"]), referrer=None, on=on(0))
    early = stop in ("grade", "follow_up", "lost")  # a grade C deal goes no further
    grade = rng.choice(["A", "B", "C"] if early else ["A", "A", "B"])
    yield on(0), "grade", lambda: app.grade(
        rep, d, grade=grade, need="clear", budget="sufficient", decision_chain="clear",
        note="首次筛选")
    def follow_up(k: int) -> Receipt:
        return app.log_follow_up(
            rep, d, channel=rng.choice(["visit", "phone"]), contact="陈总",
            summary=f"第{k + 1}次沟通", feedback="需提供详细成本对比", next_step="发送方案",
            next_step_due=on(k + 4 + rng.randint(0, 30)))

    for k in range(rng.randint(2, 7)):
        yield on(min(k, 3)), "follow_up", partial(follow_up, k)
    if stop == "lost":
        yield on(3), "lost", lambda: app.mark_lost(rep, d, reason="预算取消", on=on(3))
        return
    yield on(4), "survey", lambda: app.sign_survey(
        rep, d, surveyed_on=on(4), method="onsite",
        needs=[Need("效率提升", "人工统计订单数据，耗时4小时/天", "自动化统计，控制在1小时内/天", "high")],
        decision_factors=[DecisionFactor("价格", D(40)), DecisionFactor("技术稳定性", D(60))],
        budget=Budget(total * D("0.8"), total * D("1.2")), signed_by=chen, signed_on=on(4))
    yield on(5), "proposal", lambda: app.submit_proposal(
        rep, d, version="V1.0", responses=[Response(0, "订单数据自动采集与报表")],
        items=[ProposalItem("SRV-A", "服务器A型", "hardware", qty, D(50000)),
               ProposalItem("IMPL", "实施服务", "service", 1, D(50000))],
        discount=D(0), floor_price=total * D("0.9"), payment_plan=PLAN, delivery_days=15,
        expected_outcomes=["3个月内上线，效率提升60%"], cases=[])
    for who in ("zhaojingli", "qianpm", "wangwu"):
        yield on(5), f"proposal_review_{STAFF[who][0]}", partial(
            app.review_proposal, staff[who], d, "V1.0", approve=True, comment="同意")
    yield on(7), "commitment", lambda: app.propose_commitment(
        rep, d, text="质保期1年，可付费延长至18个月")
    yield on(8), "commitment_confirmed", lambda: app.decide_commitment(
        sup, d, 1, confirm=True, comment="在权限内")
    terms = {**CONTRACT_285K, "contract_no": f"SO{i:010d}", "amount": amount,
             "items": [Line("SRV-A", qty), Line("IMPL", 1)], "parties": Parties(
                 Party(customer.name, customer.address, f"陈总 138{i:08d}"),
                 CONTRACT_285K["parties"].supplier)}
    yield on(9), "contract", lambda: app.draft_contract(rep, d, **terms)
    for who in ("zhaojingli", "wangwu", "sunzhuguan"):
        yield on(9), f"contract_review_{who}", partial(
            app.review_contract, staff[who], d, approve=True, comment="同意")
    yield on(9), "signed", lambda: app.sign_contract(
        rep, d, signed_on=on(9), customer_signatory=chen, document_sha256=DOC)
    for k, who in ((9, "zhaojingli"), (10, "zhoujingli"), (10, "sunzhuguan")):
        yield on(k), f"order_{who}", partial(
            app.review_order, staff[who], d, approve=True, comment="同意")
    yield on(11), "prepayment", lambda: app.receive_payment(
        fin, d, received_on=on(11), amount=amount * D("0.3"), reference="预付款",
        milestone="prepayment")
    shipped = 30 if late else 24
    yield on(shipped), "delivered", lambda: app.deliver(
        rep, d, delivered_on=on(shipped), items=[Line("SRV-A", qty), Line("IMPL", 1)],
        received_by=chen, tracking_no=f"SF{i:010d}", qc_report="质检合格")
    yield on(shipped + 1), "accepted", lambda: app.record_acceptance(
        rep, d, accepted_on=on(shipped + 1), results=[
            Result("服务器功能", "功能测试全部通过", True),
            Result("实施服务培训满意度", "92分", True)],
        signed_by=chen, rectifications=[], document_sha256=DOC)
    yield on(shipped + 30), "progress_paid", lambda: app.receive_payment(
        fin, d, received_on=on(shipped + 30), amount=amount * D("0.3"), reference="进度款",
        milestone="progress")
    yield on(shipped + 61), "final_paid", lambda: app.receive_payment(
        fin, d, received_on=on(shipped + 61), amount=amount * D("0.4"), reference="尾款",
        milestone="final")


PLAN = [Milestone("prepayment", D(30), "signing", 3),
        Milestone("progress", D(60), "acceptance", 30),
        Milestone("final", D(10), "warranty_end", 0)]
assert SCHEDULE_30_30_40 == CONTRACT_285K["payment_schedule"]


def until(steps: Iterator[Step], stop: str | None) -> Iterator[Step]:
    for step in steps:
        yield step
        if step[1] == stop:
            return


def generate(app: Batching, clock: FixedClock, staff: dict[str, User], n: int,
             report: Callable[[int, int], None] | None = None) -> int:
    """Run every deal's script, a chunk of deals at a time, one step of each deal per
    round and one save per round; answer the number of events written."""
    written = 0
    for start in range(0, n, CHUNK):
        scripts = [deal_steps(app, staff, i, n) for i in range(start, min(start + CHUNK, n))]
        while scripts:
            alive = []
            for script in scripts:
                step = next(script, None)
                if step is None:
                    continue
                clock.set(step[0])
                step[2]()
                alive.append(script)
            scripts = alive
            written += app.flush()
        app.held.clear()
        if report is not None:
            report(min(start + CHUNK, n), written)
    return written


def paths(n: int) -> dict[str, Path]:
    home = (ROOT / f"deals-{n}").resolve()
    return {"home": home, "db": home / "dealtrail.db", "users": home / "users.toml",
            "meta": home / "meta.json"}


def database_url(n: int) -> str:
    return f"sqlite:///{paths(n)['db']}"


def build(n: int, verbose: bool = True) -> dict[str, Any]:
    """The cached dataset of ``n`` deals: its events generated if missing, then its read
    models caught up with the log (all of them from scratch the first time, a read model
    added since then from its position 0). Answers the meta data: sizes and how long
    each part took to build (not a benchmark)."""
    p = paths(n)
    say = print if verbose else (lambda *_, **__: None)
    meta: dict[str, Any] = json.loads(p["meta"].read_text()) if p["meta"].exists() else {}
    if meta.get("version") != DATASET_VERSION:
        if p["home"].exists():
            for old in p["home"].iterdir():
                old.unlink()
        p["home"].mkdir(parents=True, exist_ok=True)
        meta = generate_events(n, say)
        p["meta"].write_text(json.dumps(meta, indent=2))
    caught_up = catch_up(n, say)
    if caught_up["applied"]:
        meta["read_models_s"] = caught_up["seconds"]
        p["meta"].write_text(json.dumps(meta, indent=2))
    return meta


def open_app(n: int, clock: FixedClock | None = None) -> tuple[Batching, dict[str, User]]:
    p = paths(n)
    users = UserDirectory(p["users"])
    staff = add_reps(users)
    settings = Settings(database_url=database_url(n), users_file=p["users"])
    return Batching(settings, clock or FixedClock(FIRST_DAY), users), staff


def generate_events(n: int, say: Callable[..., None]) -> dict[str, Any]:
    clock = FixedClock(FIRST_DAY)
    app, staff = open_app(n, clock)
    started = time.perf_counter()
    try:
        events = generate(app, clock, staff, n, lambda done, written: say(
            f"\r  {done:,}/{n:,} deals, {written:,} events, "
            f"{time.perf_counter() - started:,.0f} s", end="", flush=True))
    finally:
        app.close()
    say()
    return {"version": DATASET_VERSION, "deals": n, "events": events,
            "generate_s": round(time.perf_counter() - started, 1),
            "database_url": database_url(n), "users_file": str(paths(n)["users"])}


def catch_up(n: int, say: Callable[..., None]) -> dict[str, float]:
    """Bring every read model of the dataset up to the log's head."""
    from projections import build_runner

    app, _ = open_app(n)
    runner = build_runner(app, batch_size=1000)
    started = time.perf_counter()
    try:
        add_indexes(runner)
        head = runner.head()
        behind = [name for name, at in runner.positions().items() if at < head]
        applied = runner.catch_up(behind, progress=lambda at, head: say(
            f"\r  read models at {at:,}/{head:,}, {time.perf_counter() - started:,.0f} s",
            end="", flush=True)) if behind else 0
    finally:
        runner.close()
        app.close()
    if applied:
        say()
    return {"applied": applied, "seconds": round(time.perf_counter() - started, 1)}


def add_indexes(runner: Any) -> None:
    """Indexes declared since the read models' tables were made (``create_all`` adds
    none to a table that exists)."""
    with runner.connect(begin=True) as conn:
        for projection in runner.projections.values():
            for table in projection.tables:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=50_000)
    args = parser.parse_args()
    print(json.dumps(build(args.deals), indent=2))


if __name__ == "__main__":
    main()
