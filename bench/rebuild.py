"""Projection rebuild (issue 7, part 3): events per second through every read model,
against the floor of reading and decoding the same log (median of several rounds).

    .venv/bin/python -m bench.rebuild [--quick] [--no-postgres] [--profile]

The log is made once per store through the application layer (not timed): deals taken
through the manual's worked examples (``application.examples``) and stopped at mixed
stages, some lost, some with extra follow-ups, their steps interleaved as a real log's
are (a few hundred deals in flight at once). Each round then times

- ``decode``: ``recorder.select_notifications`` page by page and
  ``app.mapper.to_domain_event`` on every notification (the floor a rebuild stands on);
- ``rebuild``: ``Runner.rebuild()`` of every read model, the work of
  ``dealtrail projections rebuild`` (drop, create, catch up from position 0).

Target (SQLite): rebuild ≥ 20,000 events/s; ``ratio`` = rebuild / decode. The
``*_cpu_*`` figures divide by this process's CPU time instead of wall-clock time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from application import examples as ex
from application.clock import FixedClock
from application.config import Settings
from application.service import Dealtrail
from application.users import User, UserDirectory
from domain.values import Contact, Customer

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PAGE = 500
Step = tuple[date, str, Callable[[], Any]]


def new_app(url: str) -> tuple[Dealtrail, FixedClock, dict[str, User]]:
    clock, users = FixedClock(date(2024, 3, 1)), UserDirectory()
    app = Dealtrail(Settings(database_url=url), clock, users)
    return app, clock, ex.add_staff(users)


# -- the log ---------------------------------------------------------------------------------
def _cut(steps: Iterator[Step], until: str | None) -> list[Step]:
    out = []
    for step in steps:
        out.append(step)
        if step[1] == until:
            break
    return out


def _follow_ups(app: Dealtrail, rep: User, d: uuid.UUID, contact: str, after: date,
                n: int) -> list[Step]:
    def step(on: date, k: int) -> Callable[[], Any]:
        return lambda: app.log_follow_up(
            rep, d, channel="phone", contact=contact, summary=f"第{k + 2}次沟通",
            feedback="继续评估", next_step="再跟进", next_step_due=on + timedelta(days=7))

    days = [after + timedelta(days=3 * (k + 1)) for k in range(n)]
    return [(on, f"extra_follow_up_{k}", step(on, k)) for k, on in enumerate(days)]


def deal_steps(app: Dealtrail, staff: dict[str, User], rng: random.Random, i: int) -> list[Step]:
    """One deal's steps: a worked example stopped at a random stage, sometimes lost,
    sometimes with extra follow-ups."""
    d = uuid.uuid4()
    kind = rng.random()
    if kind < 0.25:  # XX科技 as in the manual, all the way or stopped early
        names = [name for _, name, _ in ex.xx_keji_steps(app, staff, d)]
        until = None if rng.random() < 0.5 else rng.choice(names)
        steps = _cut(ex.xx_keji_steps(app, staff, d), until)
        return steps + _follow_ups(app, staff["zhangsan"], d, "陈总", steps[-1][0],
                                   rng.randint(0, 3))
    if kind < 0.35:  # YY制造: delivered, progress payment overdue with its reason
        return list(ex.yy_zhizao_steps(app, staff, d))
    owner = staff[rng.choice(("zhangsan", "lisi"))]
    grade = rng.choice([("A", "clear", "sufficient", "clear"),
                        ("B", "potential", "unclear", "complex"),
                        ("C", "vague", "unclear", "unknown")])
    contact = Contact("刘总", "总经理", True, "137XXXX0000")
    def steps_of() -> Iterator[Step]:
        return ex.sample_steps(
            app, staff, d, owner, customer=Customer(
                name=f"客户{i % 700:03d}有限公司", address="某市某路1号", business="主营业务",
                needs="潜在需求"), contact=contact, grade=grade, opened=date(2024, 2, 20),
            contract_no=f"SO2024{i:06d}")

    names = [name for _, name, _ in steps_of()]
    if grade[0] == "C":  # no survey for grade C: it stays in prospecting
        names = names[:names.index("survey")]
    if kind < 0.45:  # lost before signing
        steps = _cut(steps_of(), rng.choice(names[:names.index("signed")] if "signed" in names
                                            else names))
        last = steps[-1][0]
        return steps + [(last, "lost", lambda: app.mark_lost(owner, d, reason="预算取消",
                                                              on=last))]
    full = rng.random() < 0.4 and grade[0] != "C"
    steps = _cut(steps_of(), None if full else rng.choice(names))
    return steps + _follow_ups(app, owner, d, contact.name, steps[-1][0], rng.randint(0, 4))


def build_log(url: str, events: int, in_flight: int = 0, seed: int = 7) -> Dealtrail:
    """A log of about ``events`` events: deals started one after another, each advanced
    a step at a time in random order among ``in_flight`` open deals (by default one
    per 50 events, at most 300)."""
    in_flight = in_flight or max(10, min(300, events // 50))
    app, clock, staff = new_app(url)
    rng, started = random.Random(seed), 0
    active: list[Iterator[Step]] = []
    while True:
        head = app.recorder.max_notification_id() or 0
        if head < events:
            while len(active) < in_flight:
                active.append(iter(deal_steps(app, staff, rng, started)))
                started += 1
        if not active:
            return app
        k = rng.randrange(len(active))
        step = next(active[k], None)
        if step is None:
            active[k] = active[-1]
            active.pop()
            continue
        clock.set(step[0])
        step[2]()


# -- the measurements ------------------------------------------------------------------------
def decode_all(app: Dealtrail) -> int:
    """Read the whole log page by page and decode every notification."""
    start, count = 0, 0
    while True:
        page = app.recorder.select_notifications(start, PAGE, inclusive_of_start=False)
        for notification in page:
            app.mapper.to_domain_event(notification)
        count += len(page)
        if len(page) < PAGE:
            return count
        start = page[-1].id


def rebuild_all(app: Dealtrail, url: str) -> int:
    """``dealtrail projections rebuild`` of every read model (progress bar aside)."""
    from projections import build_runner

    runner = build_runner(app)
    try:
        runner.rebuild()
        return int(runner.position())
    finally:
        runner.close()


def timed(fn: Callable[[], int]) -> tuple[int, float, float]:
    """What ``fn`` answers, its wall-clock seconds and this process's CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    n = fn()
    return n, time.perf_counter() - start, time.process_time() - cpu


def measure(url: str, events: int, rounds: int) -> dict[str, float]:
    app = build_log(url, events)
    try:
        total = app.recorder.max_notification_id() or 0
        rebuild_all(app, url)  # warm up: tables exist, imports and caches are loaded
        runs: dict[str, list[float]] = {k: [] for k in ("decode", "rebuild", "decode_cpu",
                                                         "rebuild_cpu")}
        for _ in range(rounds):
            for name, fn in (("decode", lambda: decode_all(app)),
                             ("rebuild", lambda: rebuild_all(app, url))):
                n, seconds, cpu = timed(fn)
                assert n == total, (name, n, total)
                runs[name].append(n / seconds)
                runs[f"{name}_cpu"].append(n / cpu)
        m = {k: statistics.median(v) for k, v in runs.items()}
        return {"events": float(total), "decode_events_per_s": m["decode"],
                "rebuild_events_per_s": m["rebuild"], "ratio": m["rebuild"] / m["decode"],
                # per CPU second of this process: steadier on a shared machine, but blind
                # to the PostgreSQL server's share of the work
                "decode_cpu_events_per_s": m["decode_cpu"],
                "rebuild_cpu_events_per_s": m["rebuild_cpu"]}
    finally:
        app.close()


def sqlite_url() -> str:
    return f"sqlite:///{Path(tempfile.mkdtemp()) / uuid.uuid4().hex}.db"


def run(quick: bool, postgres: str | None = PG_BASE) -> dict[str, dict[str, float]]:
    events, rounds = (5_000, 3) if quick else (50_000, 5)
    results = {"rebuild_sqlite": measure(sqlite_url(), events, rounds)}
    if postgres:
        from bench.run import postgres_schema_url

        results["rebuild_postgres"] = measure(postgres_schema_url(postgres),
                                              events if quick else events // 2, rounds)
    return results


def profile(quick: bool) -> None:
    """cProfile of one SQLite rebuild, the top costs by cumulative and own time."""
    url = sqlite_url()
    app = build_log(url, 5_000 if quick else 50_000)
    rebuild_all(app, url)
    prof = cProfile.Profile()
    prof.enable()
    rebuild_all(app, url)
    prof.disable()
    app.close()
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--postgres", default=PG_BASE)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one SQLite rebuild")
    args = parser.parse_args()
    if args.profile:
        profile(args.quick)
        return
    results = run(args.quick, None if args.no_postgres else args.postgres)
    for key, figures in results.items():
        print(f"{key:18} " + "  ".join(f"{k}={v:,.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
