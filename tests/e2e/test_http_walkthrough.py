"""The manual's XX科技 example over HTTP against a real ``dealtrail serve`` process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import DEALTRAIL, Server, auth, open_deal, server_env
from tests.e2e.walkthrough import xx_keji

pytestmark = pytest.mark.slow


def test_the_xx_keji_example_runs_to_paid_over_http(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        deal = open_deal(http)
        answers = [(name, http.request(method, path, json=body, headers=auth(user)))
                   for name, user, method, path, body in xx_keji(deal)]

        state = http.get(f"/deals/{deal}", headers=auth("zhangsan")).json()

    assert [(n, a.status_code) for n, a in answers if a.status_code != 200] == []
    assert state["stage"] == "paid"
    assert state["amount"] == "285000.00"
    assert [(r["milestone"], r["amount"], r["due_on"], r["status"])
            for r in state["receivables"]] == [
        ("prepayment", "85500.00", "2024-03-10", "paid"),   # at signing
        ("progress", "85500.00", "2024-04-24", "paid"),     # delivery + 30 days
        ("final", "114000.00", "2024-05-25", "paid"),       # acceptance + 60 days
    ]
    assert state["version"] == answers[-1][1].json()["version"] == 27


def test_the_state_at_an_earlier_version_is_rebuilt_from_events(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        deal = open_deal(http)
        for _, user, method, path, body in list(xx_keji(deal))[:17]:  # up to signing
            http.request(method, path, json=body, headers=auth(user)).raise_for_status()

        then = http.get(f"/deals/{deal}", params={"version": 2}, headers=auth("auditor"))
        now = http.get(f"/deals/{deal}", headers=auth("auditor"))

    assert then.json()["stage"] == "graded" and then.json()["version"] == 2
    assert now.json()["stage"] == "contracted"
    assert [r["status"] for r in now.json()["receivables"]] == ["overdue", "scheduled",
                                                                "scheduled"]


@pytest.mark.sqlite
def test_serve_without_a_users_file_creates_an_admin_and_prints_its_token_once(
        tmp_path: Path) -> None:
    users_file = tmp_path / "var" / "users.toml"
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'var' / 'dealtrail.db'}", users_file)
    first = Server(tmp_path, env).start()
    output = first.stop()
    token = next(line.split(": ", 1)[1] for line in output.splitlines()
                 if line.startswith("admin token: "))

    second = Server(tmp_path, env).start()
    try:
        me = httpx.get(f"{second.url}/deals", headers={"Authorization": f"Bearer {token}"})
    finally:
        again = second.stop()

    assert me.status_code == 200
    assert "admin token" not in again
    assert "dealtrail stopped" in output and "dealtrail stopped" in again  # workers closed
    assert users_file.exists() and token not in users_file.read_text("utf-8")


def test_the_cli_lists_serve() -> None:
    out = subprocess.run([str(DEALTRAIL), "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout

    assert "--no-projections" in out
