"""Exactly-once projection and rebuilds: a worker process killed at random points leaves
read models whose rows match their recorded position, and a resumed worker ends with
tables identical to a clean rebuild; a rebuild equals the live tables, checksummed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update

from application import examples as ex
from application.clock import FixedClock
from application.config import Settings
from application.service import Dealtrail
from application.sql import make_engine
from application.users import UserDirectory
from projections import build_runner
from projections.base import layouts
from projections.runner import Runner
from tests.conftest import DB_STORES, STORES, World, new_postgres_schema

DEALTRAIL = Path(sys.executable).with_name("dealtrail")
KILLS = int(os.environ.get("DEALTRAIL_TEST_KILLS", "20"))


def checksums(runner: Runner) -> dict[str, str]:
    return runner.checksums()


def second_engine(url: str, name: str) -> tuple[Engine, Any]:
    """An empty read-model database beside the store: a sibling SQLite file, or a fresh
    PostgreSQL schema (and its dropper)."""
    if url.startswith("postgresql"):
        other, drop = new_postgres_schema()
        return make_engine(other, "readmodels"), drop
    if url.startswith("memory"):
        return make_engine(url, name), lambda: None
    return make_engine(url, name), lambda: None


def reference(app: Dealtrail, url: str, stop: int | None = None) -> dict[str, str]:
    """Checksums of a clean rebuild from the log (up to ``stop``) in its own database."""
    engine, drop = second_engine(url, f"reference{uuid.uuid4().hex[:6]}")
    runner = build_runner(app, engine)
    try:
        runner.catch_up(stop=stop)
        return checksums(runner)
    finally:
        runner.close()
        drop()


@pytest.mark.parametrize("store_url", DB_STORES, indirect=True)
def test_a_read_model_whose_tables_changed_is_rebuilt_when_a_runner_starts(
        world: World) -> None:
    ex.load_demo(world.app, world.clock, world.users)
    first = build_runner(world.app)
    first.catch_up()
    head = first.head()
    sums = checksums(first)
    with first.connect(begin=True) as conn:  # as a version with other columns left it
        conn.execute(update(layouts).where(layouts.c.name == "receivables")
                     .values(layout="an older layout"))
    first.close()

    second = build_runner(world.app)
    started = second.positions()
    second.catch_up()

    assert started["receivables"] == 0
    assert {n: p for n, p in started.items() if n != "receivables"} == dict.fromkeys(
        (n for n in started if n != "receivables"), head)
    assert checksums(second) == sums
    second.close()

@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_a_rebuild_equals_the_live_tables(world: World) -> None:
    live = build_runner(world.app, poll_interval=0.01)
    live.start()
    ex.load_demo(world.app, world.clock, world.users)
    live.wait_for(world.app.recorder.max_notification_id() or 0)
    live_sums = checksums(live)

    clean = reference(world.app, world.url)
    live.close()
    again = build_runner(world.app, make_engine(world.url, "readmodels")
                         if world.url != "memory://" else live.engine)
    again.rebuild()

    assert clean == live_sums
    if world.url != "memory://":  # a disposed in-memory engine is a new, empty database
        assert checksums(again) == live_sums
    again.close()


@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_rebuilding_one_read_model_leaves_the_others_alone(world: World) -> None:
    runner = build_runner(world.app)
    ex.load_demo(world.app, world.clock, world.users)
    runner.catch_up()
    before = checksums(runner)

    runner.rebuild(["approvals"])

    assert checksums(runner) == before
    assert runner.positions() == dict.fromkeys(runner.projections,
                                               world.app.recorder.max_notification_id())
    runner.close()


# -- killing a worker process -------------------------------------------------------------
@pytest.fixture(scope="module")
def big_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[str]:
    """A store holding a few thousand events (45 × XX科技 + 45 × YY制造)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('kill') / 'events.db'}"
        drop = None
    else:
        request.getfixturevalue("postgres_available")
        url, drop = new_postgres_schema()
    clock, users = FixedClock(date(2024, 3, 1)), UserDirectory()
    app = Dealtrail(Settings(database_url=url), clock, users)
    staff = ex.add_staff(users)
    for _ in range(45):
        ex.run(app, clock, ex.xx_keji_steps(app, staff, uuid.uuid4()))
        ex.run(app, clock, ex.yy_zhizao_steps(app, staff, uuid.uuid4()))
    app.close()
    yield url
    if drop is not None:
        drop()


def worker(url: str, home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEALTRAIL_DATABASE_URL": url,
           "DEALTRAIL_USERS_FILE": str(home / "users.toml")}
    return subprocess.Popen([str(DEALTRAIL), "projections", "run", "--batch-size", "40",
                             *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def kill_at(process: subprocess.Popen[bytes], runner: Runner, target: int) -> int:
    """SIGKILL the worker once its read models pass ``target`` (plus a random few ms)."""
    deadline = time.monotonic() + 60
    while runner.position() < target and process.poll() is None:
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.002)
    time.sleep(random.uniform(0, 0.02))
    process.send_signal(signal.SIGKILL)
    process.wait()
    return runner.position()


def assert_rows_match_positions(app: Dealtrail, url: str,
                                killed: list[tuple[int, int, dict[str, str]]]) -> None:
    """What each killed worker left equals a clean projection up to the position it
    recorded: rows and positions committed together (one reference, walked forward)."""
    engine, drop = second_engine(url, f"upto{uuid.uuid4().hex[:6]}")
    reference_runner = build_runner(app, engine)
    try:
        for reached, run, sums in sorted(killed):
            reference_runner.catch_up(stop=reached)
            assert checksums(reference_runner) == sums, f"run {run}: killed at {reached}"
    finally:
        reference_runner.close()
        drop()


@pytest.mark.slow
@pytest.mark.parametrize("big_store", [pytest.param("sqlite", marks=pytest.mark.sqlite),
                                       pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_worker_killed_at_random_points_projects_every_event_exactly_once(
        big_store: str, tmp_path: Path) -> None:
    app = Dealtrail(Settings(database_url=big_store), FixedClock(date(2024, 6, 1)),
                    UserDirectory())
    head = app.recorder.max_notification_id() or 0
    clean = reference(app, big_store)
    runner = build_runner(app)
    killed: list[tuple[int, int, dict[str, str]]] = []
    for run in range(KILLS):
        runner.reset(list(runner.projections))
        process = worker(big_store, tmp_path)
        reached = kill_at(process, runner, random.randint(1, head - 1))
        positions = runner.positions()

        assert len(set(positions.values())) == 1, f"run {run}: {positions}"
        if reached < head:
            killed.append((reached, run, checksums(runner)))
        resumed = worker(big_store, tmp_path, "--once")
        # worker() opens the process with stderr=PIPE, so stderr is never None here
        assert resumed.wait(timeout=120) == 0, resumed.stderr.read()  # type: ignore[union-attr]
        assert runner.position() == head
        assert checksums(runner) == clean, f"run {run}: killed at {reached}"
    assert len(killed) >= KILLS // 2
    assert_rows_match_positions(app, big_store, killed)
    runner.close()
    app.close()
