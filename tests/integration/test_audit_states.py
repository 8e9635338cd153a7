"""Past states (SPEC §7): the XX科技 deal rebuilt at every version, by ``?version=`` and by
``?at=`` recorded time, equals the state seen right after each step was saved; ``at``
finds its version in a logarithmic number of row reads."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application import audit, views
from application.examples import xx_keji_steps
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site

pytestmark = pytest.mark.parametrize("store_url", STORES, indirect=True)
AS_OF = date(2024, 6, 1)


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


def run_recording(site: Site) -> tuple[UUID, dict[int, dict[str, Any]]]:
    """Run the example step by step; after each save keep the state as it was then."""
    deal_id, seen = uuid.uuid4(), {}
    for day, _name, step in xx_keji_steps(site.app, site.staff, deal_id):
        site.clock.set(day)
        receipt = step()
        seen[receipt.version] = views.deal_state(site.app.load(deal_id), AS_OF, 0)
    site.clock.set(AS_OF)
    return deal_id, seen


def without_position(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != "position"}


def test_every_version_rebuilt_equals_the_state_recorded_when_it_was_saved(site: Site) -> None:
    deal_id, seen = run_recording(site)

    rebuilt = {v: views.deal_state(site.app.load(deal_id, v), AS_OF, 0) for v in seen}

    assert len(seen) == 25 and max(seen) == 27  # two steps append two events each
    assert rebuilt == seen


def test_the_state_at_each_recorded_time_over_http_is_the_state_then(site: Site) -> None:
    deal_id, seen = run_recording(site)
    events = site.client.get(f"/deals/{deal_id}/history", headers=bearer("auditor")).json()

    for event in events["events"]:
        if event["version"] not in seen:
            continue
        answer = site.client.get(f"/deals/{deal_id}", headers=bearer("auditor"),
                                 params={"at": event["recorded_at"], "as_of": str(AS_OF)})
        assert answer.status_code == 200, answer.text
        assert without_position(answer.json()) == without_position(seen[event["version"]])


def test_at_between_two_events_answers_the_earlier_and_before_the_first_is_404(
        site: Site) -> None:
    deal_id, _ = run_recording(site)
    history = audit.history(site.app, site.staff["auditor"], deal_id)["events"]
    fifth = datetime.fromisoformat(history[4]["recorded_at"])
    first = datetime.fromisoformat(history[0]["recorded_at"])

    between = site.client.get(f"/deals/{deal_id}", headers=bearer("auditor"),
                              params={"at": (fifth + timedelta(microseconds=1)).isoformat()})
    before = site.client.get(f"/deals/{deal_id}", headers=bearer("auditor"),
                             params={"at": (first - timedelta(seconds=1)).isoformat()})
    naive = site.client.get(f"/deals/{deal_id}", headers=bearer("auditor"), params={
        "at": fifth.replace(tzinfo=None).isoformat()})

    assert between.json()["version"] == 5
    assert before.status_code == 404
    assert naive.json()["version"] == 5  # a naive timestamp is UTC


def test_a_sales_rep_cannot_look_back_at_another_reps_deal(site: Site) -> None:
    deal_id, _ = run_recording(site)

    answer = site.client.get(f"/deals/{deal_id}", headers=bearer("lisi"),
                             params={"at": "2030-01-01T00:00:00Z"})
    both = site.client.get(f"/deals/{deal_id}", headers=bearer("auditor"),
                           params={"at": "2030-01-01T00:00:00Z", "version": 3})

    assert answer.status_code == 404
    assert both.status_code == 422


def test_version_at_reads_a_logarithmic_number_of_rows_on_a_long_history(site: Site) -> None:
    deal_id = site.open_deal()
    for _ in range(255):
        site.follow_up(deal_id)
    times = [e["recorded_at"] for e in
             audit.history(site.app, site.staff["auditor"], deal_id)["events"]]
    reads = []
    select_events = site.app.recorder.select_events

    def counting(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs)
        return select_events(*args, **kwargs)

    site.app.recorder.select_events = counting
    try:
        found = audit.version_at(site.app, deal_id, datetime.fromisoformat(times[200]))
    finally:
        del site.app.recorder.select_events

    assert found == 201
    assert len(reads) <= math.ceil(math.log2(256)) + 1
