"""Read-model list queries at scale (issue 7, part 5): 50,000 deals / ~1,000,000 events,
p95 ≤ 20 ms per list query, server peak memory ≤ 250 MB.

    .venv/bin/python -m bench.scale [--quick] [--deals N] [--rounds R]

A real ``dealtrail serve`` process (API and projections, SQLite) runs on a cached
dataset (``bench.dataset``, read models caught up). One client issues every list of
SPEC §6 and ``GET /deals`` with typical parameters (limit 100, several offsets, owner,
status and role filters, as a sales manager and as a sales rep); each round times
every query once, and the figures are medians over the rounds of each round's p50 and
p95. Baselines from the same run: ``GET /health`` on the same server (what HTTP alone
costs) and the same queries on a dataset a tenth the size (how the queries scale).
The server's peak resident memory is its ``VmHWM`` after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench import dataset
from bench.server import DEALTRAIL, running

TARGET_P95_MS, TARGET_RSS_MB = 20.0, 250.0
MANAGER, REP = "zhaojingli", "zhangsan"
Query = tuple[str, str, dict[str, Any]]  # route, user, parameters


def queries(deals: int) -> list[Query]:
    """Every list route with typical parameters, as a manager and as a sales rep."""
    deep = max(deals // 2, 100)  # a page far into the list
    pages: list[dict[str, Any]] = [{"limit": 100}, {"limit": 100, "offset": 1000},
                                   {"limit": 100, "offset": deep}]
    by_owner = [{"limit": 100, "owner": "lisi"}, {"limit": 100, "owner": "rep03", "offset": 200}]
    routes: dict[str, list[dict[str, Any]]] = {
        "/follow-ups": [*pages, *by_owner, {"limit": 100, "as_of": "2025-12-31"}],
        "/approvals": [*pages, *by_owner, {"status": "pending"}, {"role": "legal",
                                                                   "status": "approved"},
                       {"subject": "contract", "offset": 500}],
        "/receivables": [*pages, *by_owner, {"status": "overdue"}, {"status": "paid",
                                                                    "offset": 300},
                         {"as_of": "2025-12-31", "status": "due"}],
        "/receivables/aging": [{}, {"owner": "lisi"}, {"as_of": "2025-12-31"}],
        "/pipeline": [*pages, *by_owner, {"customer": "客户0001"}],
        "/pipeline/summary": [{}, {"owner": "lisi"}],
        "/agenda": [*pages, *by_owner, {"role": "legal"}, {"as_of": "2025-12-31"}],
        "/maintenance": [*pages, *by_owner],
        "/deals": [*pages, *by_owner, {"customer": "客户0001"}],
    }
    found: list[Query] = []
    for route, variants in routes.items():
        for params in variants:
            found.append((route, MANAGER, params))
            if "owner" not in params:
                found.append((route, REP, params))
    return found


@contextmanager
def server(n: int) -> Iterator[tuple[str, int]]:
    """``dealtrail serve`` on the cached dataset of ``n`` deals, its projections caught
    up; yields (url, pid)."""
    meta = dataset.build(n)
    env = {"DEALTRAIL_DATABASE_URL": meta["database_url"],
           "DEALTRAIL_USERS_FILE": meta["users_file"]}
    with running(dataset.paths(n)["home"], env,
                 lambda port: [str(DEALTRAIL), "serve", "--port", str(port)]) as (port, process):
        yield f"http://127.0.0.1:{port}", process.pid


def timed(client: httpx.Client, path: str, user: str, params: dict[str, Any]) -> float:
    headers = {"Authorization": f"Bearer token-{user}"}
    start = time.perf_counter()
    answer = client.get(path, params=params, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} {params} as {user}: {answer.status_code} {answer.text}")
    return elapsed


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure(n: int, rounds: int) -> dict[str, Any]:
    """Per route and overall: medians over ``rounds`` of each round's p50 and p95 (ms),
    ``/health``'s p95, and the server's peak RSS (MB) after the run."""
    listing = queries(n)
    with server(n) as (url, pid), httpx.Client(base_url=url, timeout=120) as client:
        for route, user, params in listing:  # warm up: imports, caches, SQLite pages
            timed(client, route, user, params)
        per_round: list[dict[str, list[float]]] = []
        each: dict[str, list[float]] = {}
        for _ in range(rounds):
            samples: dict[str, list[float]] = {}
            for route, user, params in listing:
                took = timed(client, route, user, params)
                samples.setdefault(route, []).append(took)
                each.setdefault(f"{route} {params} as {user}", []).append(took)
                samples.setdefault("/health", []).append(timed(client, "/health", MANAGER, {}))
            samples["overall"] = [t for r, ts in samples.items() if r != "/health" for t in ts]
            per_round.append(samples)
        rss = peak_rss_mb(pid)
    figures = {route: {"p50_ms": statistics.median(statistics.median(s[route]) for s in per_round),
                       "p95_ms": statistics.median(p95(s[route]) for s in per_round)}
               for route in per_round[0]}
    slowest = sorted(((statistics.median(t), q) for q, t in each.items()), reverse=True)
    return {"routes": figures, "peak_rss_mb": rss, "queries": len(listing),
            "slowest": slowest[:12]}


def run(quick: bool, deals: int | None = None, rounds: int | None = None,
        detail: bool = False) -> dict[str, dict[str, float]]:
    """Figures for the lead's report: each route at full size and a tenth of it, and
    the overall p95 against ``/health`` on the same server and against the targets."""
    n = deals or (2000 if quick else 50_000)
    rounds = rounds or (3 if quick else 5)
    small, big = measure(max(n // 10, 100), rounds), measure(n, rounds)
    meta = dataset.build(n)
    if detail:
        for took, query in big["slowest"]:
            print(f"{took:8.1f} ms  {query}", file=sys.stderr)
    results: dict[str, dict[str, float]] = {}
    for route, figures in big["routes"].items():
        if route in ("overall", "/health"):
            continue
        tenth = small["routes"][route]
        results[f"scale_{route}"] = {
            "p50_ms": figures["p50_ms"], "p95_ms": figures["p95_ms"],
            "p95_tenth_ms": tenth["p95_ms"], "growth_x10": figures["p95_ms"] / tenth["p95_ms"]}
    overall, health = big["routes"]["overall"], big["routes"]["/health"]
    results["scale_overall"] = {
        "deals": float(n), "events": float(meta["events"]),
        "p50_ms": overall["p50_ms"], "p95_ms": overall["p95_ms"],
        "health_p95_ms": health["p95_ms"], "ratio_to_health": overall["p95_ms"] / health["p95_ms"],
        "p95_tenth_ms": small["routes"]["overall"]["p95_ms"],
        "growth_x10": overall["p95_ms"] / small["routes"]["overall"]["p95_ms"],
        "worst_route_p95_ms": max(f["p95_ms"] for r, f in big["routes"].items()
                                  if r not in ("overall", "/health")),
        "target_p95_ms": TARGET_P95_MS,
        "peak_rss_mb": big["peak_rss_mb"], "peak_rss_tenth_mb": small["peak_rss_mb"],
        "target_rss_mb": TARGET_RSS_MB,
        "load_avg_1m": os.getloadavg()[0]}  # a shared machine moves every figure
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 deals (and 200)")
    parser.add_argument("--deals", type=int, help="deals in the large dataset")
    parser.add_argument("--rounds", type=int, help="rounds (each query once per round)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--detail", action="store_true",
                        help="list the slowest queries (medians) on stderr")
    args = parser.parse_args()
    results = run(args.quick, args.deals, args.rounds, args.detail)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for key, figures in results.items():
        print(f"{key:28} " + "  ".join(f"{k}={v:,.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
