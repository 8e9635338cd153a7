"""GET /events: the global log as CloudEvents, in order, gap-free under concurrent writers."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from application.feed import Feed
from tests.conftest import DB_STORES, STORES
from tests.integration.test_feed_support import Site, bearer, open_site

ENVELOPE_KEYS = {"specversion", "id", "source", "type", "subject", "time",
                 "datacontenttype", "data", "position", "actor", "on"}


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_the_feed_serves_the_worked_example_in_log_order_as_cloud_events(site: Site) -> None:
    deal_id = site.xx_keji()

    events = site.all_events("feed")

    assert len(events) == site.app.repository.get(deal_id).version
    assert [e["position"] for e in events] == sorted({e["position"] for e in events})
    assert all(set(e) == ENVELOPE_KEYS for e in events)
    first = events[0]
    assert first["specversion"] == "1.0" and first["source"] == "dealtrail"
    assert first["id"] == f"{deal_id}:1" and first["subject"] == str(deal_id)
    assert first["type"] == "dealtrail.deal.DealOpened.v1"
    assert first["datacontenttype"] == "application/json"
    assert first["actor"] == {"name": "zhangsan", "role": "sales_rep"}
    assert first["on"] == "2024-03-01" and first["time"].endswith("+00:00")
    assert first["data"]["customer"]["name"] == "XX科技有限公司"
    follow_up = next(e for e in events if "FollowUpLogged" in e["type"])
    assert follow_up["type"] == "dealtrail.deal.FollowUpLogged.v2"


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_pages_resume_from_next_after_without_losing_or_repeating_events(site: Site) -> None:
    site.xx_keji()
    whole = site.all_events()

    seen, after = [], 0
    while True:
        page = site.client.get(f"/events?after={after}&limit=4", headers=bearer("feed")).json()
        if not page["events"]:
            break
        assert len(page["events"]) <= 4
        seen += page["events"]
        after = page["next_after"]

    assert seen == whole
    assert page["next_after"] == whole[-1]["position"]


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
@pytest.mark.parametrize(("who", "status"), [
    ("zhangsan", 403), ("feed", 200), ("auditor", 200), ("admin", 200), ("wangwu", 200),
])
def test_every_role_but_sales_rep_may_read_the_feed(site: Site, who: str, status: int) -> None:
    answer = site.client.get("/events", headers=bearer(who))

    assert answer.status_code == status


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=-1", "after=x"])
def test_bad_paging_answers_422(site: Site, query: str) -> None:
    answer = site.client.get(f"/events?{query}", headers=bearer("feed"))

    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_the_feed_needs_a_token(site: Site) -> None:
    assert site.client.get("/events").status_code == 401


def _writer(site: Site, deals: list[Any], stop: threading.Event, errors: list[str]) -> None:
    rng = random.Random()
    try:
        own = site.open_deal()
        for _ in range(12):
            # half the writes go to a shared deal, so lost races roll back and leave gaps
            site.follow_up(rng.choice(deals) if rng.random() < 0.5 else own)
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(repr(e))
    finally:
        stop.set()


@pytest.mark.slow
@pytest.mark.parametrize("store_url", DB_STORES, indirect=True)
def test_a_reader_during_eight_concurrent_writers_sees_every_event_exactly_once_in_order(
        site: Site) -> None:
    shared = [site.open_deal() for _ in range(3)]
    feed = Feed(site.app)
    stops = [threading.Event() for _ in range(8)]
    errors: list[str] = []
    writers = [threading.Thread(target=_writer, args=(site, shared[:1] if i % 2 else shared,
                                                       stops[i], errors)) for i in range(8)]
    read: list[dict[str, Any]] = []

    for w in writers:
        w.start()
    after, reads_while_writing = 0, 0
    while not all(s.is_set() for s in stops):
        batch = feed.events(after, 7)
        read += batch
        reads_while_writing += bool(batch)
        after = batch[-1]["position"] if batch else after
    for w in writers:
        w.join()
    while batch := feed.events(after, 50):
        read += batch
        after = batch[-1]["position"]

    assert errors == []
    assert reads_while_writing > 1
    whole = feed.events(0, 10_000)
    assert len(whole) == 3 + 8 * 13
    assert [e["id"] for e in read] == [e["id"] for e in whole]
    assert len({e["id"] for e in read}) == len(read)
    positions = [e["position"] for e in read]
    assert positions == sorted(positions)
    print(f"{reads_while_writing} reads while writing; positions 1..{positions[-1]} "
          f"for {len(read)} events (gaps: lost races rolled back)")
