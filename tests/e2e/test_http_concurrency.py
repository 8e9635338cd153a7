"""Concurrency and idempotency against a real server (SPEC §5): racing writers are all
re-run to success, stale ``If-Match`` is refused, and a repeated ``Idempotency-Key``
replays the first answer, also after a restart."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from interfaces.http.examples import BODIES
from tests.e2e.conftest import Server, open_deal

pytestmark = pytest.mark.slow
DOCUMENT = BODIES["document"]


def version_of(server: Server, deal: str) -> int:
    with server.client("auditor") as http:
        return int(http.get(f"/deals/{deal}").json()["version"])


def test_24_concurrent_commands_from_8_clients_all_succeed(server: Server) -> None:
    with server.client("zhangsan") as http:
        deal = open_deal(http)
    before = version_of(server, deal)

    def attach(n: int) -> int:
        with server.client("zhangsan") as http:
            return http.post(f"/deals/{deal}/documents",
                             json=DOCUMENT | {"note": f"scan {n}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attach, range(24)))

    assert statuses == [200] * 24
    assert version_of(server, deal) == before + 24


def test_a_stale_if_match_answers_version_conflict(server: Server) -> None:
    with server.client("zhangsan") as http:
        deal = open_deal(http)
        fresh = http.post(f"/deals/{deal}/documents", json=DOCUMENT, headers={"If-Match": '"1"'})

        stale = http.post(f"/deals/{deal}/documents", json=DOCUMENT, headers={"If-Match": '"1"'})

    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "VERSION_CONFLICT")
    assert version_of(server, deal) == 2


def test_a_repeated_idempotency_key_replays_the_first_answer_even_after_a_restart(
        server: Server) -> None:
    with server.client("zhangsan") as http:
        deal = open_deal(http)
        key = {"Idempotency-Key": "scan-upload-1"}
        first = http.post(f"/deals/{deal}/documents", json=DOCUMENT, headers=key)
        again = http.post(f"/deals/{deal}/documents", json=DOCUMENT, headers=key)
    server.restart()
    with server.client("zhangsan") as http:
        after_restart = http.post(f"/deals/{deal}/documents", json=DOCUMENT, headers=key)
        other_body = http.post(f"/deals/{deal}/documents", json=DOCUMENT | {"note": "x"},
                               headers=key)

    assert first.status_code == again.status_code == after_restart.status_code == 200
    assert first.json() == again.json() == after_restart.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (other_body.status_code, other_body.json()["error"]["code"]) == (
        422, "IDEMPOTENCY_KEY_REUSED")
    assert version_of(server, deal) == 2


def test_an_idempotency_key_is_scoped_to_the_user_and_the_path(server: Server) -> None:
    key = {"Idempotency-Key": "same-key"}
    with server.client("zhangsan") as rep, server.client("zhaojingli") as supervisor:
        deal = open_deal(rep)
        mine = rep.post(f"/deals/{deal}/documents", json=DOCUMENT, headers=key)
        theirs = supervisor.post(f"/deals/{deal}/documents", json=DOCUMENT, headers=key)
        other_path = rep.post(f"/deals/{deal}/tasks/return_visit/done",
                              json=BODIES["task_done"], headers=key)

    assert [mine.json()["version"], theirs.json()["version"],
            other_path.json()["version"]] == [2, 3, 4]
