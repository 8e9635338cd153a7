"""Random command sequences, valid and invalid, on a few deals of the in-memory
application; after every step the deal's invariants hold:

- received ≤ the contract amount, delivered ≤ contracted per sku;
- every proposal's plan and the drafted contract's schedule sum to 100 per cent;
- stages never go backwards (``lost`` only before signing, and it is final);
- a refused command appends nothing; an accepted one appends what it says;
- the hash chain recomputes from the stored events.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from application import examples as ex
from application.clock import FixedClock
from application.config import Settings
from application.core import Receipt
from application.errors import ApplicationError, DealNotFoundError
from application.service import Dealtrail
from application.users import UserDirectory
from domain.base import STAGES
from domain.chain import GENESIS, link
from domain.errors import DomainError
from domain.events import payload
from domain.values import Impact, Line, Milestone, Rectification, Result
from tests.unit.support import CHEN, contract, deal_events, proposal

STAFF = sorted(ex.STAFF)
PLANS = [ex.PLAN_30_60_10, ex.SCHEDULE_30_30_40,
         [Milestone("all", D(100), "signing", 0)], ex.PLAN_30_60_10[:2]]
MILESTONES = [None, "prepayment", "progress", "final", "all", "bonus"]
SKUS = ["SRV-A", "IMPL", "SRV-B"]
CRITERIA = ["服务器功能", "实施服务培训满意度"]
whos = st.sampled_from(STAFF)
# The steps' names only: their commands are never called, so neither an application
# nor staff are needed, and None stands in for both (hence the ignore below).
EXAMPLE_STEPS = [name for _, name, _ in ex.xx_keji_steps(
    None, defaultdict(lambda: None), uuid.uuid4())]  # type: ignore[arg-type, return-value]


class DealMachine(RuleBasedStateMachine):
    deals = Bundle("deals")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(date(2024, 3, 1))
        users = UserDirectory()
        self.app = Dealtrail(Settings(database_url="memory://", snapshot_interval=0),
                             self.clock, users)
        self.staff = ex.add_staff(users)
        self.scripts: dict[uuid.UUID, Iterator[ex.Step]] = {}
        self.stages: dict[uuid.UUID, str] = {}

    def teardown(self) -> None:
        self.app.close()

    # -- running a command ------------------------------------------------------------------
    def attempt(self, deal_id: uuid.UUID, command: Callable[[], Receipt]) -> None:
        """Run a command; a refusal must append nothing, a success what it reports."""
        before = self.version(deal_id)
        try:
            receipt = command()
        except (DomainError, ApplicationError):
            assert self.version(deal_id) == before
            return
        assert receipt.version == before + len(receipt.events)
        assert self.version(deal_id) == receipt.version

    def version(self, deal_id: uuid.UUID) -> int:
        try:
            return self.app.load(deal_id).version
        except DealNotFoundError:
            return 0

    def step(self, deal_id: uuid.UUID, name: str, **fields: Any) -> None:
        """A deal step by a random user: the owner's commands refuse others."""
        who = fields.pop("who", "zhangsan")
        command = getattr(self.app, name)
        self.attempt(deal_id, lambda: command(self.staff[who], deal_id, **fields))

    @property
    def today(self) -> date:
        return self.clock.today()

    # -- rules ------------------------------------------------------------------------------
    @initialize(target=deals, until=st.sampled_from(EXAMPLE_STEPS))
    def open_the_first_deal(self, until: str) -> uuid.UUID:
        return self.open_example_deal(until)

    @precondition(lambda self: len(self.scripts) < 3)
    @rule(target=deals, until=st.sampled_from(EXAMPLE_STEPS))
    def open_a_deal(self, until: str) -> uuid.UUID:
        return self.open_example_deal(until)

    # not a rule itself: @rule retypes what it wraps as returning MultipleResults | Any
    def open_example_deal(self, until: str) -> uuid.UUID:
        """A deal of the manual's example, run up to a random step."""
        deal_id = uuid.uuid4()
        self.scripts[deal_id] = ex.xx_keji_steps(self.app, self.staff, deal_id)
        self.follow_the_example(deal_id, EXAMPLE_STEPS.index(until) + 1)
        return deal_id

    @rule(deal_id=deals, steps=st.integers(1, 12))
    def follow_the_example(self, deal_id: uuid.UUID, steps: int = 1) -> None:
        """The next steps of the manual's example, so that random commands meet every stage."""
        for day, _, command in itertools.islice(self.scripts[deal_id], steps):
            self.clock.set(max(day, self.today))
            self.attempt(deal_id, command)

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        self.clock.set(self.today + timedelta(days=days))

    @rule(deal_id=deals, grade=st.sampled_from("ABC"), need=st.sampled_from(["clear", "vague"]),
          who=whos)
    def grade(self, deal_id: uuid.UUID, grade: str, need: str, who: str) -> None:
        self.step(deal_id, "grade", who=who, grade=grade, need=need, budget="sufficient",
                  decision_chain="clear")

    @rule(deal_id=deals, version=st.sampled_from(["V1.0", "V2.0", "V3.0"]),
          plan=st.sampled_from(PLANS), discount=st.sampled_from([D(0), D(10000), D(50000)]))
    def submit_a_proposal(self, deal_id: uuid.UUID, version: str, plan: list[Milestone],
                          discount: D) -> None:
        self.step(deal_id, "submit_proposal", **proposal(version=version, payment_plan=plan,
                                                          discount=discount))

    @rule(deal_id=deals, subject=st.sampled_from(["proposal", "contract", "order"]), who=whos,
          approve=st.booleans(), version=st.sampled_from(["V1.0", "V2.0"]))
    def review(self, deal_id: uuid.UUID, subject: str, who: str, approve: bool,
               version: str) -> None:
        extra = {"proposal": version} if subject == "proposal" else {}
        self.step(deal_id, f"review_{subject}", who=who, approve=approve, **extra)

    @rule(deal_id=deals, based_on=st.sampled_from(["V1.0", "V2.0"]),
          amount=st.sampled_from([D(270000), D(285000), D(300000), D(310000)]),
          schedule=st.sampled_from(PLANS))
    def draft_a_contract(self, deal_id: uuid.UUID, based_on: str, amount: D,
                         schedule: list[Milestone]) -> None:
        self.step(deal_id, "draft_contract", **contract(based_on=based_on, amount=amount,
                                                        payment_schedule=schedule))

    @rule(deal_id=deals)
    def sign(self, deal_id: uuid.UUID) -> None:
        self.step(deal_id, "sign_contract", signed_on=self.today, customer_signatory=CHEN,
                  document_sha256=ex.DOC)

    @rule(deal_id=deals, amount=st.decimals(D(-1), D(300000), places=2),
          milestone=st.sampled_from(MILESTONES), who=st.sampled_from(["sunzhuguan", "zhangsan"]))
    def pay(self, deal_id: uuid.UUID, amount: D, milestone: str | None, who: str) -> None:
        self.step(deal_id, "receive_payment", who=who, received_on=self.today, amount=amount,
                  reference="", milestone=milestone)

    @rule(deal_id=deals, lines=st.lists(st.tuples(st.sampled_from(SKUS), st.integers(0, 6)),
                                        min_size=1, max_size=3))
    def deliver(self, deal_id: uuid.UUID, lines: list[tuple[str, int]]) -> None:
        self.step(deal_id, "deliver", delivered_on=self.today,
                  items=[Line(s, q) for s, q in lines], received_by=CHEN)

    @rule(deal_id=deals, passed=st.lists(st.booleans(), min_size=2, max_size=2))
    def accept(self, deal_id: uuid.UUID, passed: list[bool]) -> None:
        results = [Result(c, "结果", p) for c, p in zip(CRITERIA, passed, strict=True)]
        fixes = [Rectification(CRITERIA[0], self.today + timedelta(days=7))]
        self.step(deal_id, "record_acceptance", accepted_on=self.today, results=results,
                  signed_by=CHEN, rectifications=[] if all(passed) else fixes)

    @rule(deal_id=deals, delta=st.sampled_from([D(-250000), D(-10000), D(0), D(50000)]),
          srv=st.sampled_from([None, 3, 5, 6]))
    def request_a_change(self, deal_id: uuid.UUID, delta: D, srv: int | None) -> None:
        items = None if srv is None else [Line("SRV-A", srv), Line("IMPL", 1)]
        self.step(deal_id, "request_change", requested_on=self.today, content="调整",
                  reason="客户要求", impact=Impact(amount_delta=delta, items=items))

    @rule(deal_id=deals, who=whos, feasible=st.booleans())
    def assess_a_change(self, deal_id: uuid.UUID, who: str, feasible: bool) -> None:
        no = max(len(self.app.load(deal_id).changes), 1)
        self.step(deal_id, "assess_change", who=who, no=no, feasible=feasible)

    @rule(deal_id=deals)
    def agree_a_change(self, deal_id: uuid.UUID) -> None:
        no = max(len(self.app.load(deal_id).changes), 1)
        self.step(deal_id, "agree_change", no=no, agreement_no="SA", signed_on=self.today,
                  customer_signatory=CHEN, document_sha256=ex.DOC)

    @rule(deal_id=deals, who=whos)
    def lose(self, deal_id: uuid.UUID, who: str) -> None:
        self.step(deal_id, "mark_lost", who=who, reason="预算取消")

    @rule(deal_id=deals, due=st.integers(-3, 10), contact=st.sampled_from(["陈总", "王五"]))
    def follow_up(self, deal_id: uuid.UUID, due: int, contact: str) -> None:
        self.step(deal_id, "log_follow_up", channel="phone", contact=contact, summary="回访",
                  feedback="", next_step="再访", next_step_due=self.today + timedelta(days=due))

    @rule(deal_id=deals, signer=st.sampled_from(["陈总", "王五"]))
    def delay(self, deal_id: uuid.UUID, signer: str) -> None:
        self.step(deal_id, "report_delay", reported_on=self.today, cause="缺货",
                  responsible="customer" if signer == "陈总" else "us",
                  new_due=self.today + timedelta(days=10))

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def money_and_quantities_stay_within_the_contract(self) -> None:
        for deal_id in self.scripts:
            deal = self.app.load(deal_id)
            assert deal.received <= deal.amount
            contracted, delivered = deal.contracted_quantities(), deal.delivered_quantities()
            assert all(q <= contracted[s] for s, q in delivered.items())

    @invariant()
    def every_plan_and_schedule_sums_to_100(self) -> None:
        for deal_id in self.scripts:
            deal = self.app.load(deal_id)
            plans = [p["payment_plan"] for p in deal.proposals.values()]
            plans += [deal.contract["payment_schedule"]] if deal.contract else []
            assert all(sum(m.percent for m in plan) == 100 for plan in plans)

    @invariant()
    def stages_never_go_backwards(self) -> None:
        for deal_id in self.scripts:
            stage, before = self.app.load(deal_id).stage, self.stages.get(deal_id, "opened")
            if before == "lost":
                assert stage == "lost"
            elif stage == "lost":
                assert STAGES.index(before) < STAGES.index("contracted")
            else:
                assert STAGES.index(stage) >= STAGES.index(before)
            self.stages[deal_id] = stage
            event(f"stage {stage}")

    @invariant()
    def the_hash_chain_recomputes(self) -> None:
        for deal_id in self.scripts:
            prev = GENESIS
            for e in deal_events(self.app, deal_id):
                assert e.prev_hash == prev
                assert e.hash == link(prev, deal_id=deal_id, version=e.originator_version,
                                      type=type(e).__name__, recorded_at=e.timestamp, on=e.on,
                                      actor=e.actor, data=payload(e))
                prev = e.hash
            assert prev == self.app.load(deal_id).head_hash


DealMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("DEALTRAIL_PROPERTY_EXAMPLES", "50")), stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_random_command_sequences_keep_the_deals_invariants = DealMachine.TestCase
