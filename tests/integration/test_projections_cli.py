"""The command line: ``dealtrail demo`` loads the examples, ``projections run --once``
catches up, and ``projections rebuild`` gives the same tables, checksummed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from application.config import Settings
from application.service import Dealtrail
from projections import build_runner
from tests.conftest import DB_STORES

DEALTRAIL = Path(sys.executable).with_name("dealtrail")


def dealtrail(url: str, home: Path, *args: str) -> str:
    env = {**os.environ, "DEALTRAIL_DATABASE_URL": url,
           "DEALTRAIL_USERS_FILE": str(home / "users.toml")}
    done = subprocess.run([str(DEALTRAIL), *args], env=env, cwd=home, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("store_url", DB_STORES, indirect=True)
def test_the_demo_projected_by_the_worker_equals_a_rebuild(store_url: str,
                                                          tmp_path: Path) -> None:
    dealtrail(store_url, tmp_path, "demo")
    dealtrail(store_url, tmp_path, "projections", "run", "--once")
    app = Dealtrail(Settings(database_url=store_url, users_file=tmp_path / "users.toml"))
    runner = build_runner(app)
    live = runner.checksums()

    out = dealtrail(store_url, tmp_path, "projections", "rebuild")

    assert "rebuilt" in out
    assert runner.checksums() == live
    assert runner.positions() == dict.fromkeys(runner.projections, 72)
    runner.close()
    app.close()


@pytest.mark.parametrize("store_url", DB_STORES[:1], indirect=True)
def test_rebuild_refuses_an_unknown_read_model(store_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DEALTRAIL_DATABASE_URL": store_url}

    done = subprocess.run([str(DEALTRAIL), "projections", "rebuild", "nope"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode != 0
    assert "unknown read models" in done.stderr
