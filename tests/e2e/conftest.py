"""HTTP fixtures: a real ``dealtrail serve`` process on a free port (SQLite file or a
fresh PostgreSQL schema), and an in-process client for the wide tables of cases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from fastapi.testclient import TestClient

from application.clock import FixedClock
from application.config import Settings
from application.examples import add_staff
from application.users import UserDirectory
from interfaces.container import Container
from interfaces.http.app import create_app
from tests.conftest import new_postgres_schema

DEALTRAIL = Path(sys.executable).with_name("dealtrail")


def auth(user: str) -> dict[str, str]:
    """The example staff's tokens are ``token-<name>`` (application.examples.add_staff)."""
    return {"Authorization": f"Bearer token-{user}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@attrs.define
class Server:
    """A ``dealtrail serve`` subprocess; ``restart`` keeps its database and users."""

    home: Path
    env: dict[str, str]
    port: int = attrs.field(factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [str(DEALTRAIL), "serve", "--port", str(self.port), "--no-projections"],
            cwd=self.home, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                # opened with stdout=PIPE just above, so stdout is never None
                raise RuntimeError(f"serve exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("serve did not answer /health within 30 s")

    def stop(self) -> str:
        assert self.process is not None
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out

    def restart(self) -> Server:
        self.stop()
        return self.start()

    def client(self, user: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=auth(user), timeout=60)


def server_env(home: Path, database_url: str, users_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALTRAIL_")}
    return env | {"DEALTRAIL_DATABASE_URL": database_url,
                  "DEALTRAIL_USERS_FILE": str(users_file)}


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite),
                        pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """A real server with the example's staff, on SQLite or a fresh PostgreSQL schema."""
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'var' / 'dealtrail.db'}"
    else:
        request.getfixturevalue("postgres_available")
        url, drop = new_postgres_schema()
    users_file = tmp_path / "users.toml"
    add_staff(UserDirectory(users_file))
    running = Server(tmp_path, server_env(tmp_path, url, users_file)).start()
    yield running
    running.stop()
    if drop is not None:
        drop()


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app in-process on the memory store, business today 2024-06-01."""
    users = UserDirectory()
    add_staff(users)
    container = Container.build(Settings(database_url="memory://"), FixedClock(date(2024, 6, 1)),
                                users)
    with TestClient(create_app(container), raise_server_exceptions=True) as c:
        yield c
    container.close()


def open_deal(http: Any, body: dict[str, Any] | None = None, user: str = "zhangsan") -> str:
    from interfaces.http.examples import BODIES

    answer = http.post("/deals", json=body or BODIES["open"], headers=auth(user))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["deal_id"])
