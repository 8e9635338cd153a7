"""Commands per second over HTTP vs a trivial endpoint on the same server (issue 7).

A real ``dealtrail serve --no-projections`` subprocess (fresh SQLite file, or a fresh
PostgreSQL schema) with the example's staff. Deals are opened through the application
layer before the server starts; then 16 concurrent clients each send one command after
another, every command a ``POST /deals/{id}/follow-ups`` on a deal of its own (one
``FollowUpLogged`` event each, no lock contention on a deal). The same 16 clients then
load ``GET /health`` (no token, no database) on the same server: the floor that
uvicorn + FastAPI + the client stand on. Figures are medians over rounds; each round
runs on a fresh server and a fresh database.

The client is deliberately not httpx: client and server share this machine's cores, and
``httpx.AsyncClient`` with 16 tasks spent 2.7 ms of client CPU per ``GET /health`` (which
costs the server 0.3 ms), so it measured itself (165 requests/s). The load comes from 16
keep-alive connections on one asyncio loop speaking minimal HTTP/1.1 (pre-built request
bytes, Content-Length framing): about 0.07 ms of client CPU per request. Each phase
records the CPU time of the client and of the server process, so the report shows who
was busy (``client_cpu_share``, ``server_cpu_ms_per_*``).

    .venv/bin/python -m bench.http_rate [--quick] [--no-postgres]
    .venv/bin/python -m bench.http_rate --profile /tmp/http.prof   # server under cProfile
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.server import DEALTRAIL, running

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLIENTS = 16
TODAY = date(2024, 3, 1)
FOLLOW_UP = json.dumps({
    "on": "2024-03-01", "channel": "phone", "contact": "陈总", "summary": "电话沟通",
    "feedback": "有兴趣", "next_step": "发送方案", "next_step_due": "2024-03-05",
}, ensure_ascii=False).encode("utf-8")
TICKS = os.sysconf("SC_CLK_TCK")


# --- the server -------------------------------------------------------------------


def _prepare(home: Path, url: str, deals: int) -> list[uuid.UUID]:
    """The users file with the example's staff, and ``deals`` deals opened by zhangsan."""
    from application.clock import FixedClock
    from application.config import Settings
    from application.examples import add_staff
    from application.service import Dealtrail
    from application.users import UserDirectory
    from domain.values import Contact, Customer

    users = UserDirectory(home / "users.toml")
    staff = add_staff(users)
    app = Dealtrail(Settings(database_url=url), FixedClock(TODAY), users)
    try:
        return [app.open_deal(
            staff["zhangsan"], customer=Customer(name=f"基准客户{i}", address="某地",
                                                 business="某业务", needs="某需求"),
            contacts=[Contact("陈总", "技术总监", True)], source="website",
            referrer=None).deal_id for i in range(deals)]
    finally:
        app.close()


@contextmanager
def serve(home: Path, url: str, profile: Path | None = None) -> Iterator[tuple[int, int]]:
    """A ``dealtrail serve`` subprocess (or, with ``profile``, the same server under
    cProfile, see ``_serve_profiled``); yields (port, pid)."""
    env = {"DEALTRAIL_DATABASE_URL": url, "DEALTRAIL_USERS_FILE": str(home / "users.toml")}
    if profile is not None:
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)

    def command(port: int) -> list[str]:
        if profile is None:
            return [str(DEALTRAIL), "serve", "--port", str(port), "--no-projections"]
        return [sys.executable, "-m", "bench.http_rate", "--serve-profiled", str(port),
                str(profile)]

    with running(home, env, command, ready_within=30) as (port, process):
        yield port, process.pid


def _serve_profiled(port: int, out: Path) -> None:
    """What ``dealtrail serve --no-projections`` does, with every thread under cProfile
    (the event loop's and anyio's worker threads, which run sync endpoints and sync
    dependencies); the merged stats are written to ``out`` on shutdown (SIGTERM)."""
    import cProfile
    import pstats
    import threading

    import uvicorn

    from application.config import Settings
    from interfaces.container import Container
    from interfaces.http.app import create_app

    profilers: list[cProfile.Profile] = []

    def start_profiling(*_: object) -> None:
        sys.setprofile(None)
        profiler = cProfile.Profile(time.thread_time)
        profilers.append(profiler)
        profiler.enable()

    def stop(*_: object) -> None:
        raise SystemExit(0)

    # uvicorn re-raises SIGTERM after its graceful shutdown; without a handler of our
    # own the default one would end the process before the stats are written
    signal.signal(signal.SIGTERM, stop)
    threading.setprofile(start_profiling)
    container = Container.build(Settings.from_env())
    main_profiler = cProfile.Profile(time.thread_time)
    main_profiler.enable()
    try:
        uvicorn.run(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    finally:
        main_profiler.disable()
        container.close()
        stats = pstats.Stats(main_profiler)
        for profiler in profilers:
            profiler.disable()  # this thread only; the workers are idle by now
            stats.add(profiler)
        stats.dump_stats(str(out))


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# --- the client -------------------------------------------------------------------


def follow_up_request(deal_id: uuid.UUID) -> bytes:
    return (f"POST /deals/{deal_id}/follow-ups HTTP/1.1\r\nHost: bench\r\n"
            f"Authorization: Bearer token-zhangsan\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(FOLLOW_UP)}\r\n\r\n").encode() + FOLLOW_UP


HEALTH = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"


@dataclass
class Phase:
    per_s: float
    p50_ms: float
    p99_ms: float
    client_cpu: float
    server_cpu: float


async def _load(port: int, requests: list[bytes], expect: int) -> tuple[float, list[float]]:
    """``CLIENTS`` keep-alive connections send ``requests`` one at a time each;
    answers must have status ``expect``. Returns (wall seconds, latencies in s)."""
    pending = iter(requests)
    latencies: list[float] = []
    streams = [await asyncio.open_connection("127.0.0.1", port) for _ in range(CLIENTS)]

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for request in pending:  # one iterator shared by all clients (one thread)
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            status = int(head[9:12])
            if status != expect:
                raise RuntimeError(f"answered {status}, expected {expect}: {body[:300]!r}")

    start = time.perf_counter()
    await asyncio.gather(*(client(r, w) for r, w in streams))
    wall = time.perf_counter() - start
    for _, w in streams:
        w.close()
    return wall, latencies


def phase(port: int, pid: int, requests: list[bytes], expect: int) -> Phase:
    client0, server0 = time.process_time(), _cpu_seconds(pid)
    wall, latencies = asyncio.run(_load(port, requests, expect))
    client_cpu, server_cpu = time.process_time() - client0, _cpu_seconds(pid) - server0
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Phase(len(requests) / wall, cuts[49] * 1000, cuts[98] * 1000,
                 client_cpu / len(requests), server_cpu / len(requests))


# --- one round ----------------------------------------------------------------------


def one_round(url: str, n: int, warm: int, profile: Path | None = None) -> dict[str, float]:
    """A fresh server on ``url``: warm up, then ``n`` commands and ``n`` trivial GETs."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if url == "sqlite":
            url = f"sqlite:///{home / 'var' / 'dealtrail.db'}"
        deals = _prepare(home, url, warm + n)
        with serve(home, url, profile) as (port, pid):
            phase(port, pid, [HEALTH] * warm, 200)
            phase(port, pid, [follow_up_request(d) for d in deals[:warm]], 200)
            trivial = phase(port, pid, [HEALTH] * n, 200)
            commands = phase(port, pid, [follow_up_request(d) for d in deals[warm:]], 200)
    return {
        "commands_per_s": commands.per_s, "trivial_per_s": trivial.per_s,
        "ratio": commands.per_s / trivial.per_s,
        "p50_ms": commands.p50_ms, "p99_ms": commands.p99_ms,
        "trivial_p50_ms": trivial.p50_ms, "trivial_p99_ms": trivial.p99_ms,
        "server_cpu_ms_per_cmd": commands.server_cpu * 1000,
        "server_cpu_ms_per_trivial": trivial.server_cpu * 1000,
        "client_cpu_share": (commands.client_cpu / (commands.client_cpu + commands.server_cpu)),
    }


def _postgres_schema(base: str) -> tuple[str, str]:
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{base}?schema={schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _postgres_round(base: str, n: int, warm: int) -> dict[str, float]:
    url, schema = _postgres_schema(base)
    try:
        return one_round(url, n, warm)
    finally:
        _drop_schema(base, schema)


def _postgres_up(base: str) -> bool:
    try:
        import psycopg

        psycopg.connect(base.replace("+psycopg", ""), connect_timeout=2).close()
    except Exception:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return False
    return True


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def run(quick: bool, postgres: str | None = POSTGRES) -> dict[str, dict[str, float]]:
    """``http_sqlite`` (and ``http_postgres`` when it answers): medians over rounds."""
    n, warm, rounds = (400, 100, 1) if quick else (2000, 300, 3)
    results = {"http_sqlite": _median([one_round("sqlite", n, warm) for _ in range(rounds)])}
    if postgres and _postgres_up(postgres):
        results["http_postgres"] = _median([_postgres_round(postgres, n, warm)
                                            for _ in range(rounds)])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small round")
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", type=Path, metavar="OUT",
                        help="one SQLite round with the server under cProfile; stats to OUT")
    parser.add_argument("--serve-profiled", nargs=2, metavar=("PORT", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_profiled:
        _serve_profiled(int(args.serve_profiled[0]), Path(args.serve_profiled[1]))
        return
    if args.profile:
        figures = one_round("sqlite", 2000, 300, args.profile.resolve())
        print("under cProfile (slower than without): "
              + "  ".join(f"{k}={v:,.2f}" for k, v in figures.items()))
        return
    results = run(args.quick, None if args.no_postgres else args.postgres)
    print(f"machine: {os.cpu_count()} cores shared by client and server; "
          f"{CLIENTS} concurrent clients; load average {os.getloadavg()[0]:.1f} at the end")
    for key, figures in results.items():
        print(f"{key:14} " + "  ".join(f"{k}={v:,.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
