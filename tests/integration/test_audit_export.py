"""Who reads the audit evidence, the history's form, and the NDJSON export: every event
once, in log order, with hashes that recompute, in flat memory."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from application import audit
from application.users import User
from bench.export_memory import fill
from domain.chain import GENESIS, link
from interfaces.cli import app as cli
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


@pytest.mark.parametrize("store_url", STORES[:2], indirect=True)
@pytest.mark.parametrize(("who", "history", "digest", "export"), [
    ("auditor", 200, 200, 200), ("admin", 200, 200, 200), ("zhangsan", 200, 403, 403),
    ("lisi", 404, 403, 403), ("sales_supervisor", 200, 200, 403), ("feed", 403, 403, 403),
])
def test_who_reads_the_audit_evidence(site: Site, who: str, history: int, digest: int,
                                      export: int) -> None:
    deal_id = site.open_deal("zhangsan")
    name = "zhaojingli" if who == "sales_supervisor" else who

    answers = [site.client.get(f"/deals/{deal_id}/history", headers=bearer(name)),
               site.client.get(f"/deals/{deal_id}/verify", headers=bearer(name)),
               site.client.get("/audit/digest", headers=bearer(name)),
               site.client.get("/export", headers=bearer(name))]

    assert [a.status_code for a in answers] == [history, history, digest, export]
    assert site.client.get("/export").status_code == 401


@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_the_history_holds_what_was_hashed(site: Site) -> None:
    deal_id = site.xx_keji()

    events = site.client.get(f"/deals/{deal_id}/history",
                             headers=bearer("auditor")).json()["events"]

    assert [e["version"] for e in events] == list(range(1, 28))
    assert events[0]["prev_hash"] == GENESIS and events[0]["type"] == "DealOpened"
    assert all(e["prev_hash"] == p["hash"] for p, e in pairwise(events))
    assert str(datetime.fromisoformat(events[3]["recorded_at"]).utcoffset()) == "0:00:00"
    assert len(events[3]["recorded_at"].split(".")[1]) == len("000000+00:00")
    for e in events:
        assert e["hash"] == relink(deal_id, e)


def relink(deal_id: UUID, e: dict[str, Any]) -> str:
    """Anyone can recompute a hash from the answer alone (its JSON is the hashed form)."""
    return link(str(e["prev_hash"]), deal_id=deal_id, version=int(str(e["version"])),
                type=str(e["type"]), recorded_at=datetime.fromisoformat(str(e["recorded_at"])),
                on=e["on"], actor=e["actor"], data=e["data"])


@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_the_export_streams_every_event_once_in_log_order_with_hashes(site: Site) -> None:
    fill(site.app, 2500, per_deal=600)
    site.xx_keji()

    with site.client.stream("GET", "/export", headers=bearer("auditor")) as answer:
        lines = [json.loads(line) for line in answer.iter_lines() if line]

    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert len(lines) == 2527
    assert [x["position"] for x in lines] == sorted({x["position"] for x in lines})
    for x in lines[:5] + lines[-5:]:
        assert x["hash"] == relink(UUID(x["deal_id"]), x)


@pytest.mark.parametrize("store_url", STORES[1:2], indirect=True)
def test_the_export_holds_one_page_in_memory_not_the_log(site: Site) -> None:
    admin = site.staff["admin"]
    fill(site.app, 1000)
    small = peak(site, admin)
    fill(site.app, 4000)

    large = peak(site, admin)

    assert large < small * 1.5  # five times the events, about the same peak


def peak(site: Site, admin: User) -> int:
    tracemalloc.start()
    count = sum(1 for _ in audit.export_lines(site.app, admin))
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count > 0
    return top


@pytest.mark.parametrize("store_url", STORES[1:], indirect=True)
def test_the_export_command_writes_what_the_api_streams(site: Site, tmp_path: Path) -> None:
    site.xx_keji()
    out = tmp_path / "events.ndjson"

    result = CliRunner().invoke(cli, ["export", "--output", str(out)], env={
        "DEALTRAIL_DATABASE_URL": site.container.settings.database_url})

    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == site.client.get("/export", headers=bearer("admin")).text
