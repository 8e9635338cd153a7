"""A stored v1 FollowUpLogged (no ``outcome``) is served as v2 in the deal's state and
the feed, while its stored row and its hash stay v1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.chain import link
from domain.events import payload
from domain.values import Actor
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site

V1_DATA = {"channel": "phone", "contact": "陈总", "summary": "旧版本记录", "feedback": "无",
           "next_step": "回访"}


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


def store_v1_follow_up(site: Site, deal_id: UUID) -> str:
    """Write the row a v1 application would have written (no class_version, no outcome)."""
    app = site.app
    deal = app.repository.get(deal_id)
    today, now, actor = site.clock.today(), datetime.now(UTC), Actor("zhangsan",
                                                                             "sales_rep")
    data = {**V1_DATA, "next_step_due": today}
    digest = link(deal.head_hash, deal_id=deal_id, version=deal.version + 1,
                  type="FollowUpLogged", recorded_at=now, on=today, actor=actor, data=data)
    state = {"timestamp": now, "on": today, "actor": actor, "prev_hash": deal.head_hash,
             "hash": digest, **data}
    app.recorder.insert_events([StoredEvent(
        originator_id=deal_id, originator_version=deal.version + 1,
        topic="domain.events:FollowUpLogged", state=app.mapper.transcoder.encode(state))])
    return digest


def stored_state(site: Site, deal_id: UUID, version: int) -> dict[str, Any]:
    row = site.app.recorder.select_events(deal_id, gt=version - 1, lte=version)[0]
    state: dict[str, Any] = site.app.mapper.transcoder.decode(row.state)
    return state


@pytest.mark.parametrize("store_url", STORES, indirect=True)
def test_a_stored_v1_follow_up_is_served_as_v2_in_state_and_feed(site: Site) -> None:
    deal_id = site.open_deal()
    digest = store_v1_follow_up(site, deal_id)

    deal = site.app.repository.get(deal_id)
    feed = site.client.get("/events", headers=bearer("feed")).json()["events"]

    assert deal.version == 2 and deal.head_hash == digest
    assert deal.follow_ups[-1]["outcome"] == "" and deal.follow_ups[-1]["summary"] == "旧版本记录"
    assert feed[-1]["type"] == "dealtrail.deal.FollowUpLogged.v2"
    assert feed[-1]["data"]["outcome"] == ""
    assert feed[-1]["id"] == f"{deal_id}:2"


@pytest.mark.parametrize("store_url", STORES[1:], indirect=True)
def test_the_v1_row_is_never_rewritten_and_its_hash_holds_over_the_stored_form(
        site: Site) -> None:
    deal_id = site.open_deal()
    digest = store_v1_follow_up(site, deal_id)
    site.follow_up(deal_id, outcome="同意报价")  # a v2 event after it; the chain goes on

    old, new = stored_state(site, deal_id, 2), stored_state(site, deal_id, 3)

    assert "outcome" not in old and "class_version" not in old
    assert new["class_version"] == 2 and new["outcome"] == "同意报价"
    for version, state in ((2, old), (3, new)):
        recomputed = link(state["prev_hash"], deal_id=deal_id, version=version,
                          type="FollowUpLogged", recorded_at=state["timestamp"],
                          on=state["on"], actor=state["actor"], data=payload_of(state))
        assert recomputed == state["hash"]
    assert old["hash"] == digest and new["prev_hash"] == digest
    assert site.app.repository.get(deal_id).follow_ups[-1]["outcome"] == "同意报价"


def payload_of(state: dict[str, Any]) -> dict[str, Any]:
    """The hashed ``data`` of a raw stored state (as the audit decodes it: no upcast)."""

    class Raw:
        pass

    raw = Raw()
    raw.__dict__.update(state)
    return payload(raw)
