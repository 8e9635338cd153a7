"""Peak memory of ``GET /export``'s generator for 10k vs 100k events (SPEC §7).

Each size runs in a fresh process: fill a SQLite store with deals of chained follow-ups
(real domain commands, saved in batches), then, in another fresh process, drain the
export generator and record tracemalloc's peak of Python allocations and the process's
peak RSS growth. Flat memory: the 100k/10k ratio stays near 1 (a buffered export
would be near 10).

    .venv/bin/python -m bench.export_memory [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import date
from pathlib import Path
from typing import Any

PER_DEAL = 1000  # events per deal, saved 1,000 at a time


def fill(app: Any, events: int, per_deal: int = PER_DEAL) -> int:
    """Write ``events`` chained events: deals opened by the application, each followed by
    follow-ups run through the domain and saved in one batch per deal."""
    from application.examples import add_staff
    from domain.values import Actor, Contact, Customer

    staff = add_staff(app.users)
    written = 0
    while written < events:
        deal_id = uuid.uuid4()
        app.open_deal(staff["zhangsan"], deal_id=deal_id, customer=Customer(
            name="基准客户", address="某地", business="某业务", needs="某需求"),
            contacts=[Contact("陈总", "技术总监", True, "138")], source="website",
            referrer=None)
        deal = app.repository.get(deal_id)
        ctx = app._context(Actor("zhangsan", "sales_rep"))
        for _ in range(min(per_deal, events - written) - 1):
            deal.log_follow_up(ctx, channel="phone", contact="陈总", summary="电话沟通" * 10,
                               feedback="有兴趣", next_step="发送方案",
                               next_step_due=ctx.today)
        app.save(deal)
        written += min(per_deal, events - written)
    return written


def _app(db: Path) -> Any:
    from application.clock import FixedClock
    from application.config import Settings
    from application.service import Dealtrail
    from application.users import UserDirectory

    return Dealtrail(Settings(database_url=f"sqlite:///{db}", snapshot_interval=0),
                     FixedClock(date(2024, 6, 1)), UserDirectory())


def measure(db: Path) -> dict[str, Any]:
    """Drain the export once; peak Python allocations and peak RSS growth."""
    from application import audit
    from application.examples import add_staff

    app = _app(db)
    admin = add_staff(app.users)["admin"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    lines = size = 0
    for line in audit.export_lines(app, admin):
        lines += 1
        size += len(line)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    app.close()
    return {"events": lines, "bytes": size, "seconds": round(seconds, 2),
            "tracemalloc_peak_kib": peak // 1024,
            "rss_growth_kib": rss_after - rss_before, "rss_peak_kib": rss_after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=2, metavar=("ACTION", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        action, db = args.child
        if action == "measure":
            print(json.dumps(measure(Path(db))))
        else:
            app = _app(Path(db))
            print(json.dumps({"written": fill(app, int(action))}))
            app.close()
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            db = Path(tmp) / f"export-{n}.db"
            _child(str(n), db)
            results[n] = json.loads(_child("measure", db))
            print(json.dumps(results[n]))
    small, large = min(results), max(results)
    for key in ("tracemalloc_peak_kib", "rss_growth_kib", "rss_peak_kib"):
        ratio = results[large][key] / max(results[small][key], 1)
        print(f"{key}: {results[small][key]} KiB for {small} events, "
              f"{results[large][key]} KiB for {large} events, ratio {ratio:.2f}")


def _child(action: str, db: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "bench.export_memory", "--child", action,
                           str(db)], check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
