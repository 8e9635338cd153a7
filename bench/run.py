"""Benchmarks as ratios against a baseline measured in the same run (issue 7).

    make bench        # or: .venv/bin/python -m bench.run [--quick] [--only SECTION] [--postgres URL]

Writes a table to stdout and JSON to bench/results/<timestamp>.json. Figures are medians
of several rounds; each target compares dealtrail with the floor it stands on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from application.clock import FixedClock
from application.config import Settings, store_env
from application.examples import add_staff
from application.service import Dealtrail
from application.users import UserDirectory
from domain.values import Contact, Customer

TODAY = date(2024, 3, 1)


class Counter(Aggregate):
    """The library's floor: one trivial event per save."""

    def __init__(self) -> None:
        self.n = 0

    @event("Bumped")
    def bump(self) -> None:
        self.n += 1


class Floor(Application[uuid.UUID]):
    name = "floor"


def new_app(url: str, snapshot_interval: int = 50) -> tuple[Dealtrail, Any]:
    clock, users = FixedClock(TODAY), UserDirectory()
    app = Dealtrail(Settings(database_url=url, snapshot_interval=snapshot_interval), clock, users)
    return app, add_staff(users)


def open_deals(app: Dealtrail, staff: dict[str, Any], n: int) -> list[uuid.UUID]:
    ids = []
    for i in range(n):
        receipt = app.open_deal(
            staff["zhangsan"], customer=Customer(name=f"客户{i}", address="a", business="b",
                                                 needs="c"),
            contacts=[Contact("陈总", "技术总监", True)], source="website", referrer=None)
        ids.append(receipt.deal_id)
    return ids


def rate(work: Callable[[int], None], items: int, threads: int) -> float:
    """Items per second with ``threads`` workers sharing ``items`` indices."""
    per = items // threads
    def share(k: int) -> None:
        for i in range(per):
            work(k * per + i)

    workers = [threading.Thread(target=share, args=(k,)) for k in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return per * threads / (time.perf_counter() - start)


def commands_vs_library(url: str, n: int, threads: int) -> dict[str, float]:
    app, staff = new_app(url)
    deals = open_deals(app, staff, n)
    rep = staff["zhangsan"]

    def follow_up(i: int) -> None:
        app.log_follow_up(rep, deals[i], channel="phone", contact="陈总", summary="s",
                          feedback="f", next_step="n", next_step_due=TODAY)

    floor = Floor(env=store_env(url))
    counters = []
    for _ in range(n):
        c = Counter()
        floor.save(c)
        counters.append(c.id)

    def bump(i: int) -> None:
        c: Counter = floor.repository.get(counters[i])
        c.bump()
        floor.save(c)

    ours, theirs = rate(follow_up, n, threads), rate(bump, n, threads)
    app.close()
    floor.close()
    return {"dealtrail_per_s": ours, "library_per_s": theirs, "ratio": ours / theirs}


def load_long_deal(url: str, events: int) -> dict[str, float]:
    results = {}
    for interval in (0, 50):
        app, staff = new_app(url, snapshot_interval=interval)
        deal = open_deals(app, staff, 1)[0]
        for _ in range(events - 1):
            app.log_follow_up(staff["zhangsan"], deal, channel="phone", contact="陈总",
                              summary="s", feedback="f", next_step="n", next_step_due=TODAY)
        timings = []
        for _ in range(7):
            start = time.perf_counter()
            app.repository.get(deal)
            timings.append((time.perf_counter() - start) * 1000)
        results["with_snapshots_ms" if interval else "without_snapshots_ms"] = \
            statistics.median(timings)
        app.close()
    results["ratio"] = results["with_snapshots_ms"] / results["without_snapshots_ms"]
    return results


def median_of(rounds: int, fn: Callable[[], dict[str, float]]) -> dict[str, float]:
    runs = [fn() for _ in range(rounds)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


SECTIONS = ("commands", "http", "rebuild", "load", "scale")


def library_sections(quick: bool, postgres: str) -> dict[str, dict[str, float]]:
    """Targets 1 and 4: commands vs the library's trivial aggregate; a long deal's load."""
    n, rounds, long = (100, 1, 200) if quick else (800, 3, 1000)
    tmp = Path(tempfile.mkdtemp())
    stores: dict[str, Callable[[], str]] = {
        "sqlite": lambda: f"sqlite:///{tmp / uuid.uuid4().hex}.db",
        "postgres": lambda: postgres_schema_url(postgres)}
    results: dict[str, dict[str, float]] = {}
    for store, url in stores.items():
        for threads in (1, 8):
            results[f"commands_{store}_{threads}t"] = median_of(
                rounds, partial(lambda u, t: commands_vs_library(u(), n, t), url, threads))
        results[f"load_{long}_events_{store}"] = median_of(
            rounds, partial(lambda u: load_long_deal(u(), long), url))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", action="append", choices=SECTIONS,
                        help="run only these sections (repeat); default all")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    only = set(args.only or SECTIONS)
    report: dict[str, Any] = {"machine": machine(), "when": datetime.now(UTC).isoformat(),
                              "quick": args.quick, "results": {}}
    results = report["results"]
    if only & {"commands", "load"}:
        results.update({k: v for k, v in library_sections(args.quick, args.postgres).items()
                        if k.split("_")[0] in only})
    for section, module in (("http", "bench.http_rate"), ("rebuild", "bench.rebuild"),
                            ("scale", "bench.scale")):
        if section in only:
            results.update(importlib.import_module(module).run(args.quick))
    for key, figures in results.items():
        print(f"{key:28} " + "  ".join(f"{k}={v:,.2f}" for k, v in figures.items()))
    out = Path("bench/results") / f"{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out}")


def machine() -> dict[str, Any]:
    """Where the figures came from: they are only comparable on the same machine."""
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "memory_gib": round(int(memory) / 2**20, 1),
            "processor": platform.processor() or platform.machine()}


def postgres_schema_url(base: str) -> str:
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{base}?schema={schema}"


if __name__ == "__main__":
    main()
