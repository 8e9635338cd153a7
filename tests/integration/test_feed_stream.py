"""GET /events/stream: Server-Sent Events over a real socket, resumable with Last-Event-ID."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from interfaces.http.routes import feed as feed_routes
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site, serve, wait_for


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


def sse_messages(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """Parse ``id``/``event``/``data`` fields until each blank line; skip comments."""
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in fields:
                yield {"id": fields.get("id"), "event": fields.get("event"),
                       "data": json.loads(fields["data"])}
            fields = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            fields[key] = value.removeprefix(" ")


def read(url: str, headers: dict[str, str], count: int) -> list[dict[str, Any]]:
    """Read ``count`` events, then hang up (closing the connection mid-stream)."""
    got = []
    with httpx.Client(timeout=10) as client, \
            client.stream("GET", f"{url}/events/stream", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for message in sse_messages(response):
            got.append(message)
            if len(got) == count:
                break
    return got


@pytest.mark.parametrize("store_url", STORES[:2], indirect=True)
def test_a_client_that_hangs_up_mid_stream_resumes_with_last_event_id_and_misses_nothing(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed_routes, "STREAM_POLL", 0.02)
    site.xx_keji()
    live = serve(site.container)
    try:
        first = read(live.url, bearer("feed"), 10)
        wait_for(lambda: feed_routes.OPEN_STREAMS[0] == 0, 5)  # the generator stopped
        site.follow_up(site.open_deal())  # written while nobody listens
        total = len(site.all_events())

        rest = read(live.url, {**bearer("feed"), "Last-Event-ID": first[-1]["id"]},
                    total - len(first))
    finally:
        live.stop()

    ids = [m["data"]["id"] for m in first + rest]
    assert ids == [e["id"] for e in site.all_events()]
    assert [int(m["id"]) for m in first + rest] == [m["data"]["position"] for m in first + rest]
    assert rest[0]["event"] == rest[0]["data"]["type"]


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_the_stream_answers_new_events_live_and_keeps_the_connection_alive(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed_routes, "STREAM_POLL", 0.02)
    monkeypatch.setattr(feed_routes, "KEEPALIVE", 0.05)
    live = serve(site.container)
    lines: list[str] = []
    try:
        with httpx.Client(timeout=10) as client, client.stream(
                "GET", f"{live.url}/events/stream?after=0", headers=bearer("auditor")) as r:
            for line in r.iter_lines():
                lines.append(line)
                if line == ": keepalive" and not any(x.startswith("data:") for x in lines):
                    site.open_deal()
                if line.startswith("data:"):
                    break
    finally:
        live.stop()

    assert ": keepalive" in lines
    assert json.loads(lines[-1].removeprefix("data: "))["type"] == "dealtrail.deal.DealOpened.v1"


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_a_sales_rep_may_not_open_the_stream(site: Site) -> None:
    assert site.client.get("/events/stream", headers=bearer("zhangsan")).status_code == 403
