"""Shared fixtures: the stores (memory, SQLite file, a fresh PostgreSQL schema per test)
and an application with the manual's staff and a fixed business date.

PostgreSQL tests are skipped with a reason when the server cannot be reached, except
under ``CI=true``, where an unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

import attrs
import pytest

from application.clock import FixedClock
from application.config import Settings
from application.examples import add_staff
from application.service import Dealtrail
from application.users import User, UserDirectory

POSTGRES_URL = os.environ.get(
    "DEALTRAIL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STORES = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite", marks=pytest.mark.sqlite),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
DB_STORES = STORES[1:]


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]


def postgres_reachable() -> str | None:
    import psycopg

    try:
        with psycopg.connect(_psycopg_dsn(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as e:
        return str(e).strip()


@pytest.fixture(scope="session")
def postgres_available() -> None:
    problem = postgres_reachable()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is unreachable under CI=true: {problem}")
    pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL} (not CI): {problem}")


def new_postgres_schema() -> tuple[str, Callable[[], None]]:
    """A fresh schema, so each test starts from an empty database; and its dropper."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:16]
    dsn = _psycopg_dsn(POSTGRES_URL)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return f"{POSTGRES_URL}?schema={schema}", drop


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database URL of one store; parametrize with ``STORES`` or ``DB_STORES``."""
    kind = getattr(request, "param", "memory")
    if kind == "memory":
        yield "memory://"
    elif kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'events.db'}"
    else:
        request.getfixturevalue("postgres_available")
        url, drop = new_postgres_schema()
        yield url
        drop()


class Reopening(TypedDict, total=False):
    """The settings a reopened application may change; its store stays the same."""

    timezone: str
    users_file: Path
    policy_file: Path | None
    snapshot_interval: int


@attrs.define
class World:
    """An application with the manual's staff, a users directory and a fixed today."""

    app: Dealtrail
    clock: FixedClock
    users: UserDirectory
    staff: dict[str, User]
    url: str

    def reopen(self, **settings: Unpack[Reopening]) -> Dealtrail:
        """A second application on the same store, as a new process would see it."""
        return Dealtrail(Settings(database_url=self.url, **settings), self.clock, self.users)


@pytest.fixture
def world(store_url: str) -> Iterator[World]:
    clock = FixedClock(date(2024, 3, 1))
    users = UserDirectory()
    app = Dealtrail(Settings(database_url=store_url), clock, users)
    yield World(app, clock, users, add_staff(users), store_url)
    app.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran on each store, so CI logs show PostgreSQL really ran."""
    counts: dict[str, int] = {}
    for report in terminalreporter.stats.get("passed", []):
        for store in ("postgres", "sqlite", "memory"):
            if f"[{store}" in report.nodeid or f"-{store}]" in report.nodeid or f"-{store}-" in report.nodeid:
                counts[store] = counts.get(store, 0) + 1
    line = ", ".join(f"{store}: {n} passed" for store, n in sorted(counts.items()))
    terminalreporter.write_line(f"store tests -- {line or 'none'}")
